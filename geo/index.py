"""The gazetteer in memory: built once per process from the database, so a look-up is a few
dictionary hits instead of queries (thousands a second).

Staleness: the loader calls `invalidate()` in its own process; other processes compare the
newest GazetteerLoad id at most every GEO_INDEX_CHECK_SECONDS and rebuild when it changed.
The index holds codes and names only (no primary keys), so it stays valid across reloads that
keep the codes.
"""

import logging
import threading
import time
from collections import Counter, defaultdict
from statistics import fmean

from geo import conf
from geo.areas import Area, GazetteerIndex, Kind, Ref
from geo.models import District, GazetteerLoad, Municipality, Neighbourhood, PostcodeArea
from geo.spatial import GridIndex, haversine_km
from geo.text import fold

logger = logging.getLogger(__name__)

# A town's representative neighbourhood must lie this close to the town's centre.
PLACE_NEIGHBOURHOOD_MAX_KM = 15.0

_lock = threading.Lock()
_index: GazetteerIndex | None = None
_checked_at = 0.0


def get_index() -> GazetteerIndex:
    global _index, _checked_at
    index, now = _index, time.monotonic()
    if index is not None and now - _checked_at < conf.index_check_seconds():
        return index
    with _lock:
        version = _database_version()
        if _index is None or _index.version != version:
            started = time.perf_counter()
            _index = build_index(version)
            seconds = time.perf_counter() - started
            logger.info("Gazetteer index: %d entries in %.2f s", len(_index), seconds)
            if not _index.by_code:
                logger.warning("The gazetteer is empty: run `manage.py load_gazetteer`.")
        _checked_at = now
        return _index


def invalidate() -> None:
    global _index
    with _lock:
        _index = None


def _database_version() -> int:
    return GazetteerLoad.objects.order_by("-id").values_list("id", flat=True).first() or 0


def build_index(version: int) -> GazetteerIndex:
    return _Builder(GazetteerIndex(version=version)).build()


class _Builder:
    def __init__(self, index: GazetteerIndex):
        self.index = index
        self.names: dict[str, str] = {}
        self.successor: dict[str, str | None] = {}
        self.neighbourhood_areas: dict[str, Area] = {}

    def build(self) -> GazetteerIndex:
        municipalities = list(
            Municipality.objects.values_list(
                "code", "name", "aliases", "lat", "lon", "merged_into__code", "active"
            )
        )
        for code, name, *_, successor, _active in municipalities:
            self.names[code] = name
            self.successor[code] = successor
        for code, name, aliases, lat, lon, _successor, active in municipalities:
            if active and lat is not None and lon is not None:
                self._municipality(code, name, aliases, lat, lon)
        by_district = self._neighbourhoods()
        self._districts(by_district)
        self.index.neighbourhoods = GridIndex(
            (area.lat, area.lon, area) for area in self.neighbourhood_areas.values()
        )
        self._postcodes_and_places()
        self.index.prefix_keys.sort()
        self.index.postcode_codes = sorted(self.index.postcodes)
        return self.index

    def _chain(self, code: str) -> list[str]:
        chain = [code]
        while (successor := self.successor.get(chain[-1])) and successor not in chain:
            chain.append(successor)
        return chain

    def _current(self, code: str) -> Ref:
        current = self._chain(code)[-1]
        return Ref(current, self.names.get(current, current))

    def _municipality(self, code: str, name: str, aliases: list[str], lat, lon) -> None:
        current = self._current(code)
        label = name if current.code == code else f"{name}, {current.name}"
        area = Area(
            kind=Kind.MUNICIPALITY,
            code=code,
            name=name,
            label=label,
            lat=lat,
            lon=lon,
            municipality=current,
            within=frozenset(self._chain(code)),
        )
        self._add(area, [name, *aliases])
        for folded in {fold(n) for n in [name, *aliases]}:
            self.index.municipality_codes[folded].add(code)

    def _neighbourhoods(self) -> dict[str, list[Area]]:
        by_district: dict[str, list[Area]] = defaultdict(list)
        rows = list(
            Neighbourhood.objects.active().values_list(
                "code",
                "name",
                "aliases",
                "lat",
                "lon",
                "district__code",
                "district__name",
                "municipality__code",
            )
        )
        qualifiers = self._qualifiers([(r[0], r[1], r[7], r[6]) for r in rows])
        for code, name, aliases, lat, lon, district_code, district_name, municipality in rows:
            if lat is None or lon is None:
                continue
            current = self._current(municipality)
            names, label = self._names(code, name, aliases, current, qualifiers)
            area = Area(
                kind=Kind.NEIGHBOURHOOD,
                code=code,
                name=name,
                label=label,
                lat=lat,
                lon=lon,
                municipality=current,
                district=Ref(district_code, district_name),
                neighbourhood=Ref(code, name),
                within=frozenset(self._chain(municipality)),
            )
            self.neighbourhood_areas[code] = area
            by_district[district_code].append(area)
            self._add(area, names)
        return by_district

    def _districts(self, by_district: dict[str, list[Area]]) -> None:
        rows = list(
            District.objects.active().values_list(
                "code", "name", "aliases", "lat", "lon", "municipality__code"
            )
        )
        qualifiers = self._qualifiers([(r[0], r[1], r[5], "") for r in rows])
        for code, name, aliases, lat, lon, municipality in rows:
            if lat is None or lon is None:
                continue
            children = by_district.get(code, [])
            heart = min(children, key=lambda a: haversine_km(lat, lon, a.lat, a.lon), default=None)
            current = self._current(municipality)
            names, label = self._names(code, name, aliases, current, qualifiers)
            area = Area(
                kind=Kind.DISTRICT,
                code=code,
                name=name,
                label=label,
                lat=lat,
                lon=lon,
                municipality=current,
                district=Ref(code, name),
                neighbourhood=heart.neighbourhood if heart else None,
                within=frozenset(self._chain(municipality)),
            )
            self._add(area, names)

    def _qualifiers(self, rows: list[tuple[str, str, str, str]]) -> dict[str, str]:
        """code → what tells apart namesakes in one municipality (merged municipalities bring
        several "Verspreide huizen"): the district's name where that is unique, else the code.
        Rows are (code, name, municipality code, district name)."""
        groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for code, name, municipality, district_name in rows:
            groups[(self._current(municipality).code, fold(name))].append((code, district_name))
        qualifiers = {}
        for members in groups.values():
            if len(members) < 2:
                continue
            districts = Counter(fold(district_name) for _, district_name in members)
            for code, district_name in members:
                unique = district_name and districts[fold(district_name)] == 1
                qualifiers[code] = district_name if unique else code
        return qualifiers

    @staticmethod
    def _names(code, name, aliases, current: Ref, qualifiers) -> tuple[list[str], str]:
        """The names an area answers to, and its label; a qualified label is a name too, so
        that every label in autocomplete resolves."""
        qualifier = qualifiers.get(code)
        if qualifier is None:
            return [name, *aliases], f"{name}, {current.name}"
        qualified = f"{name} ({qualifier})"
        return [name, *aliases, qualified], f"{qualified}, {current.name}"

    def _postcodes_and_places(self) -> None:
        towns: dict[tuple[str, str], list[tuple[str, float, float]]] = defaultdict(list)
        rows = PostcodeArea.objects.active().values_list(
            "code", "place_name", "lat", "lon", "municipality__code",
            "nearest_neighbourhood__code",
        )  # fmt: skip
        for code, place, lat, lon, municipality, neighbourhood_code in rows:
            neighbourhood = self.neighbourhood_areas.get(neighbourhood_code or "")
            if municipality is None and neighbourhood is None:
                continue
            current = self._current(municipality) if municipality else neighbourhood.municipality
            self.index.postcodes[code] = Area(
                kind=Kind.PC4,
                code=code,
                name=code,
                label=f"{code} {current.name}",
                lat=lat,
                lon=lon,
                municipality=current,
                district=neighbourhood.district if neighbourhood else None,
                neighbourhood=neighbourhood.neighbourhood if neighbourhood else None,
                pc4=code,
                within=frozenset(self._chain(municipality or current.code)),
            )
            if place:
                towns[(current.code, place)].append((code, lat, lon))
        for (municipality, place), postcodes in towns.items():
            self._town(municipality, place, postcodes)

    def _town(self, municipality: str, place: str, postcodes: list) -> None:
        folded = fold(place)
        namesakes = self.index.municipality_codes.get(folded, ())
        if any(self._current(code).code == municipality for code in namesakes):
            return  # "Delft" in Delft: the municipality already answers to that name
        if self.index.names_within.get((municipality, folded)):
            return  # so does the district "Delfgauw" in Pijnacker-Nootdorp
        lat = fmean(p[1] for p in postcodes)
        lon = fmean(p[2] for p in postcodes)
        hits = self.index.neighbourhoods.nearest(
            lat, lon, max_km=PLACE_NEIGHBOURHOOD_MAX_KM, accept=lambda a: municipality in a.within
        )
        heart = hits[0].item if hits else None
        current = self._current(municipality)
        area = Area(
            kind=Kind.PLACE,
            code=None,
            name=place,
            label=f"{place}, {current.name}",
            lat=round(lat, 6),
            lon=round(lon, 6),
            municipality=current,
            district=heart.district if heart else None,
            neighbourhood=heart.neighbourhood if heart else None,
            within=frozenset(self._chain(municipality)),
        )
        self._add(area, [place])

    def _add(self, area: Area, names: list[str]) -> None:
        index = self.index
        folded_names = list(dict.fromkeys(fold(name) for name in names if name))
        if area.code:
            index.by_code[area.code] = area
        position = len(index.suggestible)
        index.suggestible.append(area)
        suffixes = set()
        for folded in folded_names:
            index.by_name[folded].append(area)
            # A merged municipality is found within its successor too ("Appingedam, Eemsdelta").
            for code in area.within - {area.code}:
                index.names_within[(code, folded)].append(area)
            words = folded.split()
            suffixes.update((" ".join(words[i:]), i == 0) for i in range(len(words)))
        index.prefix_keys.extend((suffix, position, whole) for suffix, whole in suffixes)
