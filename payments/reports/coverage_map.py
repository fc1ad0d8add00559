"""The coverage map: a municipality's districts (CBS 2024 boundaries shipped in geo/data),
coloured by demand (support requests) against supply (listed partners serving them)."""

import json
import math
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import Count, F
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


@dataclass(frozen=True)
class _Shape:
    code: str
    name: str
    path: str


@cache
def _drawing(municipality_code: str) -> tuple[tuple[_Shape, ...], int, int]:
    """The districts of a municipality as SVG paths, and the drawing's size. Static shipped
    data, so drawn once per process."""
    features = _boundaries().get(municipality_code[2:6], [])
    points = [point for f in features for ring in _rings(f["geometry"]) for point in ring]
    if not points:
        return (), SIZE, SIZE
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    # Equirectangular with the latitude's shrink of a degree of longitude: right for a town.
    shrink = math.cos(math.radians(sum(lats) / len(lats)))
    span = max((east - west) * shrink, north - south) or 1
    scale = (SIZE - 20) / span

    def xy(point) -> str:
        return (
            f"{10 + (point[0] - west) * shrink * scale:.1f},{10 + (north - point[1]) * scale:.1f}"
        )

    shapes = tuple(
        _Shape(
            code=feature["properties"]["statcode"],
            name=feature["properties"]["statnaam"],
            path=" ".join(
                "M" + " L".join(xy(point) for point in ring) + " Z"
                for ring in _rings(feature["geometry"])
            ),
        )
        for feature in sorted(features, key=lambda f: f["properties"]["statnaam"])
    )
    width = 20 + (east - west) * shrink * scale
    height = 20 + (north - south) * scale
    return shapes, round(width), round(height)


def _supply(municipality) -> dict[str, int]:
    """{district code: listed partners serving it or based in it}, each partner once per
    district, counted by the database."""
    listed = PartnerProfile.objects.listed().order_by()
    serving = (
        listed.filter(neighbourhoods__district__municipality=municipality)
        .annotate(code=F("neighbourhoods__district__code"))
        .values_list("pk", "code")
    )
    based = (
        listed.filter(base_neighbourhood__district__municipality=municipality)
        .annotate(code=F("base_neighbourhood__district__code"))
        .values_list("pk", "code")
    )
    pairs, params = serving.union(based).query.sql_with_params()  # UNION: distinct pairs
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT code, COUNT(*) FROM ({pairs}) pairs GROUP BY code",  # noqa: S608 - SQL from the ORM; values are parameters
            params,
        )
        return dict(cursor.fetchall())


def coverage(municipality, period) -> dict:
    shapes, width, height = _drawing(municipality.code)
    if not shapes:
        return {"areas": [], "width": SIZE, "height": SIZE, "levels": LEVELS}
    demand = dict(
        requests(municipality, period)
        .values_list("neighbourhood__district__code")
        .annotate(count=Count("id"))
        .order_by()
    )
    supply = _supply(municipality)
    areas = [
        Area(
            code=shape.code,
            name=shape.name,
            path=shape.path,
            demand=demand.get(shape.code, 0),
            supply=supply.get(shape.code, 0),
            level=_level(demand.get(shape.code, 0), supply.get(shape.code, 0)),
        )
        for shape in shapes
    ]
    return {"areas": areas, "width": width, "height": height, "levels": LEVELS}
