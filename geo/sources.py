"""Readers for the open data files the gazetteer is built from: path in, records out.

Formats (see geo/data/ATTRIBUTION.md for where each file comes from):
- CBS label points as TopoJSON (quantised points; lon = x·scale[0] + translate[0]) or GeoJSON
  (points, or polygons whose centroid becomes the point and whose geometry the boundary), with
  properties `statcode` and `statnaam`. Newer CBS/PDOK exports come in either form.
- GeoNames postal codes (tab-separated, no header).
- Our curated names file (CSV: code, name, aliases separated by "|", merged_into, note).
"""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geo.geometry import polygon_centroid
from geo.text import tidy


class SourceError(ValueError):
    """A source file that cannot be read as the format it claims."""


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    code: str
    name: str
    lat: float
    lon: float
    geometry: dict | None = None


@dataclass(frozen=True, slots=True)
class PostcodeRecord:
    pc4: str
    place: str
    municipality_name: str
    municipality_digits: str  # CBS municipality code without "GM"; "" when GeoNames has none
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class CuratedName:
    code: str
    name: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)
    merged_into: str = ""


def read_places(path: Path, *, prefix: str) -> list[PlaceRecord]:
    """Every feature whose `statcode` starts with `prefix` ("BU", "WK" or "GM")."""
    data = _read_json(path)
    if data.get("type") == "Topology":
        records = _topojson_points(data)
    elif data.get("type") == "FeatureCollection":
        records = _geojson_places(data)
    else:
        raise SourceError(f"{path}: neither TopoJSON nor a GeoJSON FeatureCollection")
    found = [record for record in records if record.code.startswith(prefix)]
    if not found:
        raise SourceError(f"{path}: no features with a statcode starting with {prefix}")
    return found


def read_boundaries(path: Path, *, prefix: str) -> dict[str, PlaceRecord]:
    """Polygons by code, for attaching boundaries to places loaded from another file."""
    return {record.code: record for record in read_places(path, prefix=prefix) if record.geometry}


def read_geonames_postcodes(path: Path) -> list[PostcodeRecord]:
    records = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line_number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 11 or row[0] != "NL":
                raise SourceError(f"{path}:{line_number}: not a GeoNames NL postcode row")
            try:
                lat, lon = float(row[9]), float(row[10])
            except ValueError:
                raise SourceError(f"{path}:{line_number}: bad coordinates") from None
            records.append(
                PostcodeRecord(
                    pc4=row[1].strip(),
                    place=tidy(row[2]),
                    municipality_name=tidy(row[5]),
                    municipality_digits=row[6].strip(),
                    lat=lat,
                    lon=lon,
                )
            )
    return records


def read_curated_names(path: Path) -> dict[str, CuratedName]:
    names = {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(rows):
            code = row["code"].strip().upper()
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            names[code] = CuratedName(
                code=code,
                name=tidy(row.get("name") or ""),
                aliases=aliases,
                merged_into=(row.get("merged_into") or "").strip().upper(),
            )
    return names


def _read_json(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, json.JSONDecodeError) as exc:
        raise SourceError(f"{path}: {exc}") from exc


def _topojson_points(data: dict) -> Iterator[PlaceRecord]:
    transform = data.get("transform") or {"scale": [1, 1], "translate": [0, 0]}
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    for layer in data.get("objects", {}).values():
        for geometry in layer.get("geometries", []):
            if geometry.get("type") != "Point":
                continue
            x, y = geometry["coordinates"][:2]
            yield _record(geometry.get("properties") or {}, lat=y * sy + ty, lon=x * sx + tx)


def _geojson_places(data: dict) -> Iterator[PlaceRecord]:
    for feature in data.get("features", []):
        geometry = feature.get("geometry") or {}
        properties = feature.get("properties") or {}
        if geometry.get("type") == "Point":
            lon, lat = geometry["coordinates"][:2]
            yield _record(properties, lat=lat, lon=lon)
        elif geometry.get("type") in {"Polygon", "MultiPolygon"}:
            lat, lon = polygon_centroid(geometry)
            yield _record(properties, lat=lat, lon=lon, geometry=geometry)


def _record(properties: dict, *, lat: float, lon: float, geometry=None) -> PlaceRecord:
    code = str(properties.get("statcode") or "").strip().upper()
    return PlaceRecord(
        code=code,
        name=tidy(str(properties.get("statnaam") or code)),
        lat=round(lat, 6),
        lon=round(lon, 6),
        geometry=geometry,
    )
