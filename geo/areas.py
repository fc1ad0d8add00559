"""What the in-memory gazetteer is made of: areas (a place with its CBS parents resolved) and
the look-up tables over them. Built by geo.index; searched by geo.matching."""

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from geo.spatial import GridIndex, Hit


class Kind(StrEnum):
    MUNICIPALITY = "municipality"
    DISTRICT = "district"
    NEIGHBOURHOOD = "neighbourhood"
    PLACE = "place"  # a town or village (woonplaats) as GeoNames names it
    PC4 = "pc4"
    PC6 = "pc6"  # a full postcode, resolved through its PC4
    POINT = "point"  # a coordinate, resolved to the nearest neighbourhood
    ADDRESS = "address"  # found by an online geocoder, resolved like a point


# When one name fits several kinds, the larger unit is what people mean ("Wassenaar" is the
# municipality, not the district of that name); places come last because they are the least
# precise match to CBS units.
RANK = {Kind.MUNICIPALITY: 0, Kind.DISTRICT: 1, Kind.NEIGHBOURHOOD: 2, Kind.PLACE: 3, Kind.PC4: 4}


@dataclass(frozen=True, slots=True)
class Ref:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Area:
    """A place that can be looked up, with its CBS parents already resolved.

    `municipality` is the municipality of today (after merges). For a district or a town the
    `neighbourhood` is a representative one (at the district's label point), for a municipality
    there is none: the kind says how precise the match is.
    """

    kind: Kind
    code: str | None
    name: str
    label: str
    lat: float
    lon: float
    municipality: Ref
    district: Ref | None = None
    neighbourhood: Ref | None = None
    pc4: str | None = None
    # Municipality codes the area counts as lying in: its CBS one and every successor.
    within: frozenset[str] = field(default_factory=frozenset)

    @property
    def rank(self) -> int:
        return RANK[self.kind]


@dataclass
class GazetteerIndex:
    version: int
    by_code: dict[str, Area] = field(default_factory=dict)
    postcodes: dict[str, Area] = field(default_factory=dict)
    postcode_codes: list[str] = field(default_factory=list)  # sorted, for prefix search
    by_name: dict[str, list[Area]] = field(default_factory=lambda: defaultdict(list))
    # folded municipality name or alias → codes, for "Schilderswijk, Den Haag"
    municipality_codes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names_within: dict[tuple[str, str], list[Area]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # (folded word suffix, position, is the whole name) for prefix search, sorted;
    # `suggestible[position]` is the area
    prefix_keys: list[tuple[str, int, bool]] = field(default_factory=list)
    suggestible: list[Area] = field(default_factory=list)
    neighbourhoods: GridIndex[Area] = field(default_factory=lambda: GridIndex([]))

    def nearest(self, lat: float, lon: float, *, max_km: float, count: int = 1) -> list[Hit[Area]]:
        return self.neighbourhoods.nearest(lat, lon, max_km=max_km, count=count)

    def __len__(self) -> int:
        return len(self.by_code) + len(self.postcodes)
