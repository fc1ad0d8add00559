"""From source records to the rows of the gazetteer. Pure: no database, so it is easy to test
and the loader only has to write what comes out.

Decisions the data forces (each one also noted in `Gazetteer.notes` when it happens):
- Municipality codes come from three places that disagree in time: CBS 2014 buurt/wijk codes,
  GeoNames 2024 postcodes, and geo/data/names.csv. Every code found anywhere gets a row.
- A CBS 2014 municipality that GeoNames no longer has was merged: `merged_into` is the curated
  successor, else the GeoNames municipality of most postcodes whose nearest neighbourhood lies in
  it. A municipality split over several successors (Haaren, Littenseradiel) goes to the largest.
- Names: curated > GeoNames (cleaned) > the most common GeoNames place among its postcodes.
- A PC4 maps to one neighbourhood although it can straddle several and its centroid is
  approximate: the nearest neighbourhood label point within the district whose boundary holds the
  centroid, else the nearest in its own (current) municipality. Where GeoNames lists a PC4 more
  than once, see _one_record_per_pc4.
- A 2024 boundary is attached to a 2014 district with the same code only when the district's
  label point lies in it or within BOUNDARY_SLACK_KM of its (simplified) edge.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import fmean, median

from geo.geometry import bounding_box_of, km_to_geometry, point_in_geometry
from geo.sources import CuratedName, PlaceRecord, PostcodeRecord
from geo.spatial import GridIndex, haversine_km
from geo.text import clean_district_name, clean_municipality_name, fold

BOUNDARY_SLACK_KM = 0.5
# A PC4 centroid further than this from every neighbourhood is data we do not trust to map.
PC4_MAX_KM = 30.0
PC4_DIGITS = 4
# GeoNames rows of one PC4 further apart than this describe different places.
PC4_ROWS_AGREE_KM = 25.0


@dataclass(slots=True)
class Row:
    code: str
    name: str
    lat: float | None  # None only for a municipality nothing in the files locates
    lon: float | None
    aliases: list[str] = field(default_factory=list)
    boundary: dict | None = None
    parent: str = ""  # district code for a neighbourhood, municipality code for a district
    municipality: str = ""
    merged_into: str = ""


@dataclass(slots=True)
class PostcodeRow:
    code: str
    place: str
    lat: float
    lon: float
    municipality: str
    neighbourhood: str


@dataclass
class Gazetteer:
    municipalities: dict[str, Row]
    districts: dict[str, Row]
    neighbourhoods: dict[str, Row]
    postcodes: dict[str, PostcodeRow]
    notes: list[str]

    def counts(self) -> dict[str, int]:
        return {
            "municipalities": len(self.municipalities),
            "districts": len(self.districts),
            "neighbourhoods": len(self.neighbourhoods),
            "postcodes": len(self.postcodes),
            "district_boundaries": sum(1 for row in self.districts.values() if row.boundary),
        }


def build_gazetteer(
    *,
    neighbourhoods: list[PlaceRecord],
    districts: list[PlaceRecord],
    postcodes: list[PostcodeRecord],
    boundaries: dict[str, PlaceRecord],
    curated: dict[str, CuratedName],
) -> Gazetteer:
    notes: list[str] = []
    district_rows = _districts(districts, boundaries, notes)
    neighbourhood_rows = _neighbourhoods(neighbourhoods, district_rows, notes)
    _apply_curated(district_rows, curated)
    _apply_curated(neighbourhood_rows, curated)

    grid = GridIndex((row.lat, row.lon, row) for row in neighbourhood_rows.values())
    pc4_records = _one_record_per_pc4(postcodes, notes)
    nearest = {}
    for pc4, record in pc4_records.items():
        hits = grid.nearest(record.lat, record.lon, max_km=PC4_MAX_KM)
        nearest[pc4] = hits[0].item if hits else None

    municipalities = _municipalities(
        district_rows, neighbourhood_rows, pc4_records, nearest, curated, notes
    )
    postcode_rows = _postcodes(pc4_records, nearest, municipalities, district_rows, grid, notes)
    _place_municipalities(municipalities, district_rows, neighbourhood_rows, postcode_rows)
    return Gazetteer(municipalities, district_rows, neighbourhood_rows, postcode_rows, notes)


def current_code(municipalities: dict[str, Row], code: str) -> str:
    """Follow `merged_into` to the municipality that exists today."""
    seen = {code}
    while (successor := municipalities[code].merged_into) and successor not in seen:
        seen.add(successor)
        code = successor
    return code


def _districts(
    records: list[PlaceRecord], boundaries: dict[str, PlaceRecord], notes: list[str]
) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for record in records:
        if record.code in rows:
            notes.append(f"{record.code}: listed twice; kept the first")
            continue
        name = clean_district_name(record.name)
        row = Row(
            code=record.code,
            name=name,
            lat=record.lat,
            lon=record.lon,
            aliases=_other_names(name, record.name),
            boundary=record.geometry,
            municipality=f"GM{record.code[2:6]}",
        )
        row.parent = row.municipality
        newer = boundaries.get(record.code)
        if row.boundary is None and newer and _fits(row, newer.geometry):
            row.boundary = newer.geometry
            row.aliases = _other_names(name, *row.aliases, clean_district_name(newer.name))
        rows[row.code] = row
    return rows


def _fits(row: Row, geometry: dict) -> bool:
    return point_in_geometry(row.lat, row.lon, geometry) or (
        km_to_geometry(row.lat, row.lon, geometry) <= BOUNDARY_SLACK_KM
    )


def _neighbourhoods(
    records: list[PlaceRecord], districts: dict[str, Row], notes: list[str]
) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    orphans: dict[str, list[Row]] = defaultdict(list)
    for record in records:
        if record.code in rows:
            notes.append(f"{record.code}: listed twice; kept the first")
            continue
        row = Row(
            code=record.code,
            name=record.name,
            lat=record.lat,
            lon=record.lon,
            boundary=record.geometry,
            parent=f"WK{record.code[2:8]}",
            municipality=f"GM{record.code[2:6]}",
        )
        rows[row.code] = row
        if row.parent not in districts:
            orphans[row.parent].append(row)
    # A buurt file newer than the wijk file can name a district the wijk file lacks.
    for code, children in sorted(orphans.items()):
        districts[code] = Row(
            code=code,
            name=f"Wijk {code[6:8]}",
            lat=round(fmean(child.lat for child in children), 6),
            lon=round(fmean(child.lon for child in children), 6),
            municipality=f"GM{code[2:6]}",
            parent=f"GM{code[2:6]}",
        )
        notes.append(f"{code}: not in the district file; made from its {len(children)} buurten")
    return rows


def _apply_curated(rows: dict[str, Row], curated: dict[str, CuratedName]) -> None:
    for code, entry in curated.items():
        row = rows.get(code)
        if row is None:
            continue
        if entry.name and entry.name != row.name:
            # The source's name stays findable.
            row.aliases = [row.name, *row.aliases]
            row.name = entry.name
        row.aliases = _other_names(row.name, *row.aliases, *entry.aliases)


def _one_record_per_pc4(
    records: list[PostcodeRecord], notes: list[str]
) -> dict[str, PostcodeRecord]:
    """One GeoNames row per PC4.

    GeoNames lists a PC4 once per place it serves, and some rows are plainly wrong (2324, a
    Leiden postcode, also appears in Amersfoort). Postcodes are numbered by region, so the row
    nearest the PC4's numeric neighbours (same first three digits, else two) is taken. When most
    rows lie far from it, GeoNames contradicts itself and the PC4 is skipped rather than guessed:
    9999 is listed in six municipalities up to 244 km apart.
    """
    by_pc4: dict[str, list[PostcodeRecord]] = defaultdict(list)
    for record in records:
        if len(record.pc4) == PC4_DIGITS and record.pc4.isdigit() and record.pc4[0] != "0":
            by_pc4[record.pc4].append(record)
        else:
            notes.append(f"postcode {record.pc4!r}: not a PC4; skipped")
    regions: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for pc4, group in by_pc4.items():
        if len(group) == 1:
            regions[pc4[:3]].append((group[0].lat, group[0].lon))
            regions[pc4[:2]].append((group[0].lat, group[0].lon))
    chosen = {}
    for pc4, group in by_pc4.items():
        if len(group) == 1:
            chosen[pc4] = group[0]
            continue
        region = regions.get(pc4[:3]) or regions.get(pc4[:2]) or [(r.lat, r.lon) for r in group]
        lat, lon = median(p[0] for p in region), median(p[1] for p in region)
        best = min(group, key=lambda r: haversine_km(lat, lon, r.lat, r.lon))
        agreeing = [
            r for r in group if haversine_km(best.lat, best.lon, r.lat, r.lon) <= PC4_ROWS_AGREE_KM
        ]
        if 2 * len(agreeing) < len(group):
            places = ", ".join(sorted({r.place for r in group}))
            notes.append(f"postcode {pc4}: GeoNames rows disagree ({places}); skipped")
            continue
        chosen[pc4] = best
    return chosen


def _municipalities(
    districts: dict[str, Row],
    neighbourhoods: dict[str, Row],
    pc4_records: dict[str, PostcodeRecord],
    nearest: dict[str, Row | None],
    curated: dict[str, CuratedName],
    notes: list[str],
) -> dict[str, Row]:
    geonames_names: dict[str, Counter] = defaultdict(Counter)
    for record in pc4_records.values():
        if record.municipality_digits:
            code = f"GM{record.municipality_digits}"
            geonames_names[code][clean_municipality_name(record.municipality_name)] += 1
    successors: dict[str, Counter] = defaultdict(Counter)
    places: dict[str, Counter] = defaultdict(Counter)
    for pc4, record in pc4_records.items():
        row = nearest[pc4]
        if row is None:
            continue
        places[row.municipality][record.place] += 1
        if record.municipality_digits:
            successors[row.municipality][f"GM{record.municipality_digits}"] += 1

    codes = {row.municipality for row in districts.values()}
    codes |= {row.municipality for row in neighbourhoods.values()}
    codes |= set(geonames_names)
    # A curated successor exists once one of the municipalities merged into it does.
    codes |= {e.merged_into for code, e in curated.items() if e.merged_into and code in codes}

    rows: dict[str, Row] = {}
    for code in sorted(codes):
        entry = curated.get(code, CuratedName(code=code))
        in_geonames = code in geonames_names
        source_name = geonames_names[code].most_common(1)[0][0] if in_geonames else ""
        name = entry.name or source_name
        if not name:
            name = places[code].most_common(1)[0][0] if code in places else code
            notes.append(f"{code}: no name in the sources; named {name!r} after its postcodes")
        merged_into = entry.merged_into
        if not merged_into and not in_geonames:
            votes = [(c, n) for c, n in successors[code].most_common() if c != code]
            merged_into = votes[0][0] if votes else ""
            if not merged_into and code not in curated:
                notes.append(f"{code}: not in GeoNames and no successor found; kept as current")
        rows[code] = Row(
            code=code,
            name=name,
            lat=None,
            lon=None,
            # A curated name replaces a wrong source name, which must not stay findable.
            aliases=_other_names(name, *entry.aliases, "" if entry.name else source_name),
            merged_into=merged_into,
        )
    for row in rows.values():
        if row.merged_into and row.merged_into not in rows:
            notes.append(f"{row.code}: successor {row.merged_into} unknown; kept as current")
            row.merged_into = ""
    return rows


def _postcodes(
    pc4_records: dict[str, PostcodeRecord],
    nearest: dict[str, Row | None],
    municipalities: dict[str, Row],
    districts: dict[str, Row],
    grid: GridIndex,
    notes: list[str],
) -> dict[str, PostcodeRow]:
    current = {code: current_code(municipalities, code) for code in municipalities}
    shapes = _DistrictShapes(districts, current)
    rows: dict[str, PostcodeRow] = {}
    for pc4, record in sorted(pc4_records.items()):
        global_nearest = nearest[pc4]
        if record.municipality_digits:
            municipality = f"GM{record.municipality_digits}"
        elif global_nearest is not None:
            municipality = current[global_nearest.municipality]
        else:
            municipality = ""
        neighbourhood = global_nearest
        if municipality:
            district = shapes.containing(record.lat, record.lon, municipality)
            if district:
                accept = lambda row, d=district: row.parent == d  # noqa: E731
            else:
                accept = lambda row, m=municipality: current[row.municipality] == m  # noqa: E731
            hits = grid.nearest(record.lat, record.lon, max_km=PC4_MAX_KM, accept=accept)
            neighbourhood = hits[0].item if hits else global_nearest
        if neighbourhood is None:
            notes.append(f"postcode {pc4}: no neighbourhood within {PC4_MAX_KM:g} km")
        rows[pc4] = PostcodeRow(
            code=pc4,
            place=record.place,
            lat=record.lat,
            lon=record.lon,
            municipality=municipality,
            neighbourhood=neighbourhood.code if neighbourhood else "",
        )
    return rows


class _DistrictShapes:
    """District boundaries by current municipality, with bounding boxes to skip most tests."""

    def __init__(self, districts: dict[str, Row], current: dict[str, str]):
        self._by_municipality: dict[str, list[tuple[tuple[float, ...], str, dict]]] = defaultdict(
            list
        )
        for row in districts.values():
            if row.boundary:
                box = bounding_box_of(row.boundary)
                self._by_municipality[current[row.municipality]].append(
                    (box, row.code, row.boundary)
                )

    def containing(self, lat: float, lon: float, municipality: str) -> str | None:
        for box, code, geometry in self._by_municipality.get(municipality, ()):
            min_lon, min_lat, max_lon, max_lat = box
            in_box = min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
            if in_box and point_in_geometry(lat, lon, geometry):
                return code
        return None


def _place_municipalities(
    municipalities: dict[str, Row],
    districts: dict[str, Row],
    neighbourhoods: dict[str, Row],
    postcodes: dict[str, PostcodeRow],
) -> None:
    """A representative point: the mean of its PC4 centroids (GeoNames' current municipality),
    else of its neighbourhoods or districts, else of the municipalities merged into it."""
    by_source: list[dict[str, list[tuple[float, float]]]] = []
    for rows in (postcodes.values(), neighbourhoods.values(), districts.values()):
        points = defaultdict(list)
        for row in rows:
            if row.municipality:
                points[row.municipality].append((row.lat, row.lon))
        by_source.append(points)
    for code, row in municipalities.items():
        found = next((points[code] for points in by_source if points.get(code)), None)
        if found:
            row.lat, row.lon = _mean(found)
    for row in municipalities.values():
        if row.lat is None:
            merged = [
                (m.lat, m.lon)
                for m in municipalities.values()
                if m.merged_into == row.code and m.lat is not None
            ]
            if merged:
                row.lat, row.lon = _mean(merged)


def _mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    return round(fmean(p[0] for p in points), 6), round(fmean(p[1] for p in points), 6)


def _other_names(name: str, *candidates: str) -> list[str]:
    """Candidates that fold differently from `name` and from each other, in order."""
    seen = {fold(name)}
    found = []
    for candidate in candidates:
        key = fold(candidate)
        if candidate and key and key not in seen:
            seen.add(key)
            found.append(candidate)
    return found
