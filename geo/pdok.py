"""A geopy geocoder for PDOK Locatieserver v3.1, the Dutch government's free geocoder over the
BAG (addresses) and CBS areas; no key needed. Its answers carry CBS codes (buurtcode, wijkcode,
gemeentecode) in `raw`. Documentation: https://github.com/PDOK/locatieserver/wiki
"""

import re
from functools import partial
from urllib.parse import urlencode

from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

_POINT = re.compile(r"POINT\s*\(\s*(?P<lon>-?[\d.]+)\s+(?P<lat>-?[\d.]+)\s*\)", re.IGNORECASE)


class PdokLocatieserver(Geocoder):
    api_path = "/bzk/locatieserver/search/v3_1"

    def __init__(
        self,
        *,
        domain: str = "api.pdok.nl",
        scheme=None,
        timeout=DEFAULT_SENTINEL,
        user_agent=None,
        adapter_factory=None,
    ):
        super().__init__(
            scheme=scheme, timeout=timeout, user_agent=user_agent, adapter_factory=adapter_factory
        )
        self.api = f"{self.scheme}://{domain.strip('/')}{self.api_path}"

    def geocode(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL, rows: int = 10):
        params = {"q": query, "rows": 1 if exactly_one else rows}
        url = f"{self.api}/free?{urlencode(params)}"
        parse = partial(self._parse, exactly_one=exactly_one)
        return self._call_geocoder(url, parse, timeout=timeout)

    def reverse(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL, rows: int = 10):
        point = query if isinstance(query, Point) else Point(query)
        params = {
            "lat": point.latitude,
            "lon": point.longitude,
            "rows": 1 if exactly_one else rows,
            "fl": "*",  # the reverse endpoint leaves out the centroid unless asked
        }
        url = f"{self.api}/reverse?{urlencode(params)}"
        parse = partial(self._parse, exactly_one=exactly_one)
        return self._call_geocoder(url, parse, timeout=timeout)

    def _parse(self, page: dict, *, exactly_one: bool):
        docs = (page or {}).get("response", {}).get("docs", [])
        locations = [location for doc in docs if (location := _location(doc))]
        if not locations:
            return None
        return locations[0] if exactly_one else locations


def _location(doc: dict) -> Location | None:
    match = _POINT.search(doc.get("centroide_ll") or "")
    if match is None:
        return None
    return Location(doc.get("weergavenaam", ""), (float(match["lat"]), float(match["lon"])), doc)
