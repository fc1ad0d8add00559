"""Geocoders with geopy's interface (the offline gazetteer, and the configured one), and
`resolve_place`, which turns what someone typed into a CBS place with them.

`resolve_place("2525 AB")` → ResolvedPlace(kind="pc6", municipality=GM0518 Den Haag,
district=WK051829 Schilderswijk, neighbourhood=BU05182915 Schildersbuurt-West, pc4="2525", …).
A full postcode is only used to find its PC4 and is not kept: Brugwerk stores a neighbourhood or
a PC4, never something that points at one address.

`GazetteerGeocoder` answers from the in-memory gazetteer (geo.index), never from the network.
Unlike geopy's online geocoders, which return None when nothing is found, it raises
geo.errors.PlaceNotFound with the reason, because Brugwerk shows that reason to the person who
typed the text. Each Location's `raw` carries the resolved CBS codes and names.

`get_geocoder()` returns the geocoder settings.GEOCODER chooses: the gazetteer by default, or an
online provider behind a database cache and a rate limiter (geo.online).
"""

from dataclasses import dataclass, replace

from geopy.adapters import URLLibAdapter
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geo import conf, errors, matching
from geo.areas import Area, Kind, Ref
from geo.index import get_index
from geo.online import cached_online_geocoder


class GazetteerGeocoder(Geocoder):
    def __init__(self):
        # No request is ever made; naming the urllib adapter keeps geopy from picking one itself.
        super().__init__(adapter_factory=URLLibAdapter)

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=None):
        """A Location, or with `exactly_one=False` every Location the text can mean."""
        index = get_index()
        if exactly_one:
            match = matching.find_one(index, query)
            return to_location(match.area, kind=match.kind)
        return [to_location(m.area, kind=m.kind) for m in matching.find(index, query)]

    def reverse(
        self,
        query,
        *,
        exactly_one: bool = True,
        timeout=None,
        max_km: float = matching.REVERSE_MAX_KM,
        count: int = 5,
    ):
        """The nearest neighbourhood (label point) to a point; with `exactly_one=False` up to
        `count` of them, nearest first. `raw["distance_km"]` is the great-circle distance."""
        point = _point(query)
        hits = matching.nearest(
            get_index(),
            point.latitude,
            point.longitude,
            max_km=max_km,
            count=1 if exactly_one else count,
        )
        locations = [to_location(hit.item, kind=Kind.POINT, km=hit.km) for hit in hits]
        return locations[0] if exactly_one else locations


def to_location(area: Area, *, kind: Kind, km: float | None = None) -> Location:
    return Location(area.label, (area.lat, area.lon), raw=describe(area, kind=kind, km=km))


def describe(area: Area, *, kind: Kind, km: float | None = None) -> dict:
    raw = {
        "source": "gazetteer",
        "kind": str(kind),
        "code": area.code,
        "name": area.name,
        "label": area.label,
        "pc4": area.pc4,
        "municipality_code": area.municipality.code,
        "municipality_name": area.municipality.name,
        "district_code": area.district.code if area.district else None,
        "district_name": area.district.name if area.district else None,
        "neighbourhood_code": area.neighbourhood.code if area.neighbourhood else None,
        "neighbourhood_name": area.neighbourhood.name if area.neighbourhood else None,
    }
    if km is not None:
        raw["distance_km"] = round(km, 3)
    return raw


def _point(query) -> Point:
    try:
        point = query if isinstance(query, Point) else Point(query)
    except (TypeError, ValueError):
        raise errors.invalid_point() from None
    return point


_gazetteer: GazetteerGeocoder | None = None


def gazetteer_geocoder() -> GazetteerGeocoder:
    global _gazetteer
    if _gazetteer is None:
        _gazetteer = GazetteerGeocoder()
    return _gazetteer


def get_geocoder():
    """The geocoder settings.GEOCODER names: "gazetteer" (default), "nominatim" or "pdok"."""
    name = conf.geocoder_name()
    if name == "gazetteer":
        return gazetteer_geocoder()
    return cached_online_geocoder(name)


@dataclass(frozen=True)
class ResolvedPlace:
    """A place with its CBS parents. `kind` says how precise it is: pc6, pc4, neighbourhood,
    point and address resolve to one neighbourhood; a district or town to a representative one
    (the neighbourhood at its heart); a municipality to none."""

    kind: str
    label: str
    lat: float
    lon: float
    municipality: Ref
    district: Ref | None
    neighbourhood: Ref | None
    pc4: str | None
    code: str | None  # the CBS code (or PC4) of what was matched
    distance_km: float | None = None  # for points: to the neighbourhood's label point

    @property
    def point(self) -> tuple[float, float]:
        return (self.lat, self.lon)


def resolve_place(text: str) -> ResolvedPlace:
    """The place a postcode, CBS code or name means. Raises geo.errors.PlaceNotFound.

    The offline gazetteer answers first. Only a name it does not know goes to the online
    geocoder, when settings.GEOCODER configures one; its point is then resolved to the nearest
    neighbourhood. Such text (an address, say) leaves Brugwerk, so forms about families should
    ask for a postcode or neighbourhood, which never do.
    """
    try:
        match = matching.find_one(get_index(), text)
    except errors.PlaceNotFound as exc:
        if exc.reason != errors.Reason.UNKNOWN_NAME or conf.geocoder_name() == "gazetteer":
            raise
        location = get_geocoder().geocode(text)
        if location is None:
            raise
        found = reverse_place(location.latitude, location.longitude)
        return replace(found, kind=str(Kind.ADDRESS))
    return _resolved(match.area, kind=match.kind)


def reverse_place(
    lat: float, lon: float, *, max_km: float = matching.REVERSE_MAX_KM
) -> ResolvedPlace:
    """The neighbourhood whose label point is nearest (lat, lon), within `max_km`."""
    hit = matching.nearest(get_index(), lat, lon, max_km=max_km)[0]
    return _resolved(hit.item, kind=Kind.POINT, distance_km=round(hit.km, 3))


def _resolved(area: Area, *, kind: Kind, distance_km: float | None = None) -> ResolvedPlace:
    return ResolvedPlace(
        kind=str(kind),
        label=area.label,
        lat=area.lat,
        lon=area.lon,
        municipality=area.municipality,
        district=area.district,
        neighbourhood=area.neighbourhood,
        pc4=area.pc4,
        code=area.code,
        distance_km=distance_km,
    )
