"""The coverage map: a municipality's districts (CBS 2024 boundaries shipped in geo/data),
coloured by demand (support requests) against supply (listed partners serving them)."""

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from geo.loader import DATA_DIR
from partners.models import PartnerProfile
from payments.reports.figures import SMALL_COUNT, requests

SIZE = 480

LEVELS = {
    "none": _("No requests"),
    "gap": _("Requests, no partner"),
    "thin": _("Fewer partners than requests"),
    "covered": _("Enough partners"),
}


@dataclass
class Area:
    code: str
    name: str
    path: str
    demand: int
    supply: int
    level: str

    @property
    def demand_shown(self) -> str:
        return f"<{SMALL_COUNT}" if 0 < self.demand < SMALL_COUNT else str(self.demand)


@cache
def _boundaries() -> dict[str, list]:
    """{municipality digits: [feature, …]} from the shipped district boundaries."""
    data = json.loads((DATA_DIR / "nl_wijk_2024.geojson").read_text(encoding="utf-8"))
    by_municipality: dict[str, list] = {}
    for feature in data["features"]:
        by_municipality.setdefault(feature["properties"]["statcode"][2:6], []).append(feature)
    return by_municipality


def _rings(geometry: dict):
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    for polygon in polygons:
        yield from polygon


def _level(demand: int, supply: int) -> str:
    if not demand:
        return "none"
    if not supply:
        return "gap"
    return "thin" if supply < demand else "covered"


def coverage(municipality, period) -> dict:
    features = _boundaries().get(municipality.code[2:6], [])
    points = [point for f in features for ring in _rings(f["geometry"]) for point in ring]
    if not points:
        return {"areas": [], "width": SIZE, "height": SIZE, "levels": LEVELS}
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    # Equirectangular with the latitude's shrink of a degree of longitude: right for a town.
    shrink = math.cos(math.radians(sum(lats) / len(lats)))
    span = max((max(lons) - min(lons)) * shrink, max(lats) - min(lats)) or 1
    scale = (SIZE - 20) / span

    def xy(point) -> str:
        x = 10 + (point[0] - min(lons)) * shrink * scale
        y = 10 + (max(lats) - point[1]) * scale
        return f"{x:.1f},{y:.1f}"

    demand = dict(
        requests(municipality, period)
        .values_list("neighbourhood__district__code")
        .annotate(count=Count("id"))
        .order_by()
    )
    listed = PartnerProfile.objects.listed()
    # A partner counts once per district, whether they serve it or are based in it.
    pairs = set(
        listed.filter(neighbourhoods__district__municipality=municipality).values_list(
            "pk", "neighbourhoods__district__code"
        )
    ) | set(
        listed.filter(base_neighbourhood__district__municipality=municipality).values_list(
            "pk", "base_neighbourhood__district__code"
        )
    )
    supply = Counter(code for _, code in pairs)
    areas = []
    for feature in sorted(features, key=lambda f: f["properties"]["statnaam"]):
        code = feature["properties"]["statcode"]
        path = " ".join(
            "M" + " L".join(xy(point) for point in ring) + " Z"
            for ring in _rings(feature["geometry"])
        )
        wanted, offered = demand.get(code, 0), supply.get(code, 0)
        areas.append(
            Area(
                code=code,
                name=feature["properties"]["statnaam"],
                path=path,
                demand=wanted,
                supply=offered,
                level=_level(wanted, offered),
            )
        )
    width = 20 + (max(lons) - min(lons)) * shrink * scale
    height = 20 + (max(lats) - min(lats)) * scale
    return {"areas": areas, "width": round(width), "height": round(height), "levels": LEVELS}
