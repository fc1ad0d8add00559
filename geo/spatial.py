"""A uniform lat/lon grid for nearest-point look-ups, fast enough for thousands a second.

Ranking uses the haversine formula on geopy's mean earth radius (what geopy's great_circle
computes) in plain `math`, because building geopy Distance objects for every candidate would
cost more than the search. Callers that report a distance use geopy for the winner.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from geopy.distance import EARTH_RADIUS

T = TypeVar("T")

KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS / 180


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class Hit(Generic[T]):
    item: T
    km: float


class GridIndex(Generic[T]):
    """Items with a point, bucketed in cells of `cell_deg` degrees.

    The search visits rings of cells around the query point and stops once the next ring
    cannot hold anything nearer than what was found. Cells are square in degrees, so they are
    narrower east-west than north-south; `_ring_km` uses the narrower side at the grid's most
    northern latitude, so stopping is never premature.
    """

    def __init__(self, items: Iterable[tuple[float, float, T]], *, cell_deg: float = 0.02):
        self.cell_deg = cell_deg
        self._cells: dict[tuple[int, int], list[tuple[float, float, T]]] = {}
        max_abs_lat = 0.0
        for lat, lon, item in items:
            self._cells.setdefault(self._cell(lat, lon), []).append((lat, lon, item))
            max_abs_lat = max(max_abs_lat, abs(lat))
        self._size = sum(len(bucket) for bucket in self._cells.values())
        narrowest = math.cos(math.radians(min(max_abs_lat + cell_deg, 89.0)))
        self._ring_km = cell_deg * KM_PER_DEGREE_LAT * narrowest

    def __len__(self) -> int:
        return self._size

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat / self.cell_deg), math.floor(lon / self.cell_deg))

    def nearest(
        self,
        lat: float,
        lon: float,
        *,
        max_km: float,
        count: int = 1,
        accept: Callable[[T], bool] | None = None,
    ) -> list[Hit[T]]:
        """Up to `count` items within `max_km`, nearest first."""
        if not self._size:
            return []
        row, col = self._cell(lat, lon)
        max_ring = int(max_km / self._ring_km) + 1
        found: list[tuple[float, int, T]] = []
        for ring in range(max_ring + 1):
            for cell in _ring_cells(row, col, ring):
                for item_lat, item_lon, item in self._cells.get(cell, ()):
                    if accept is not None and not accept(item):
                        continue
                    km = haversine_km(lat, lon, item_lat, item_lon)
                    if km <= max_km:
                        # id() breaks ties so items themselves never need to be comparable.
                        found.append((km, id(item), item))
            if len(found) >= count:
                found.sort(key=lambda entry: entry[:2])
                # Anything in a ring further out is at least `ring` whole cells away.
                if found[count - 1][0] <= ring * self._ring_km:
                    break
        found.sort(key=lambda entry: entry[:2])
        return [Hit(item, km) for km, _, item in found[:count]]


def _ring_cells(row: int, col: int, ring: int) -> Iterable[tuple[int, int]]:
    if ring == 0:
        yield (row, col)
        return
    for c in range(col - ring, col + ring + 1):
        yield (row - ring, c)
        yield (row + ring, c)
    for r in range(row - ring + 1, row + ring):
        yield (r, col - ring)
        yield (r, col + ring)
