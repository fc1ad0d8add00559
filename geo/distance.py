"""Distances between places, and a bounding box so database queries can prefilter on the
indexed lat/lon columns before exact geodesic distances are computed in Python."""

import math
from collections.abc import Iterable
from typing import Protocol, TypeVar

from django.db.models import QuerySet
from geopy.distance import geodesic

from geo.spatial import KM_PER_DEGREE_LAT

LatLon = tuple[float, float]


class HasPoint(Protocol):
    lat: float | None
    lon: float | None


P = TypeVar("P", bound=HasPoint)


def km_between(a: LatLon, b: LatLon) -> float:
    """Geodesic (WGS84 ellipsoid) distance in km between two (lat, lon) points."""
    return geodesic(a, b).km


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box that holds every point within `km`.

    The box is slightly generous (spherical degrees, widest longitude span at the edge nearest a
    pole), so it only prefilters: the exact distance still decides.
    """
    if km < 0:
        raise ValueError("km must not be negative")
    dlat = km / KM_PER_DEGREE_LAT * 1.01
    min_lat, max_lat = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    widest = max(abs(min_lat), abs(max_lat))
    cos_lat = math.cos(math.radians(widest))
    if cos_lat < 1e-9 or km / (KM_PER_DEGREE_LAT * cos_lat) >= 180:
        return (min_lat, max_lat, -180.0, 180.0)
    dlon = km / (KM_PER_DEGREE_LAT * cos_lat) * 1.01
    return (min_lat, max_lat, lon - dlon, lon + dlon)


def in_bounding_box(qs: QuerySet, lat: float, lon: float, km: float) -> QuerySet:
    """Rows whose lat/lon fall in the bounding box: a cheap indexed prefilter."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)
    return qs.filter(lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon)


def near(qs: QuerySet[P], lat: float, lon: float, km: float) -> list[P]:
    """Rows of `qs` within `km` of (lat, lon), nearest first, each with a `distance_km`.

    The database narrows to the bounding box; the exact geodesic distance filters and sorts.
    Returns a list, not a queryset, because the distance is computed in Python.
    """
    return within_km(in_bounding_box(qs, lat, lon, km), lat, lon, km)


def within_km(rows: Iterable[P], lat: float, lon: float, km: float) -> list[P]:
    found = []
    for row in rows:
        if row.lat is None or row.lon is None:
            continue
        distance = km_between((lat, lon), (row.lat, row.lon))
        if distance <= km:
            row.distance_km = distance  # type: ignore[attr-defined]
            found.append(row)
    found.sort(key=lambda row: row.distance_km)  # type: ignore[attr-defined]
    return found
