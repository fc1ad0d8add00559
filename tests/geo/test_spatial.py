import random

import pytest
from geopy.distance import geodesic, great_circle

from geo.distance import bounding_box, km_between
from geo.spatial import GridIndex, haversine_km

DEN_HAAG = (52.0705, 4.3007)
DELFT = (52.0116, 4.3571)


def test_haversine_agrees_with_geopy_great_circle():
    # given two Haaglanden points / when measured both ways / then the same to the metre
    assert haversine_km(*DEN_HAAG, *DELFT) == pytest.approx(
        great_circle(DEN_HAAG, DELFT).km, abs=1e-3
    )


def test_km_between_is_geodesic():
    # given Den Haag and Delft centres / then about 7.6 km apart on the WGS84 ellipsoid
    assert km_between(DEN_HAAG, DELFT) == pytest.approx(7.6, abs=0.2)


def test_grid_nearest_matches_brute_force():
    # given 2,000 random points over the Netherlands
    rng = random.Random(7)
    points = [(rng.uniform(50.75, 53.55), rng.uniform(3.35, 7.2), i) for i in range(2000)]
    grid = GridIndex(points)
    for _ in range(300):
        lat, lon = rng.uniform(50.75, 53.55), rng.uniform(3.35, 7.2)
        # when the grid looks for the 3 nearest within 25 km
        hits = grid.nearest(lat, lon, max_km=25, count=3)
        # then they are exactly the brute-force 3 nearest within 25 km
        expected = sorted((haversine_km(lat, lon, plat, plon), item) for plat, plon, item in points)
        expected = [item for km, item in expected if km <= 25][:3]
        assert [hit.item for hit in hits] == expected


def test_grid_respects_max_km_and_filter():
    grid = GridIndex([(52.0, 4.0, "a"), (52.001, 4.0, "b"), (53.0, 6.0, "far")])
    assert [h.item for h in grid.nearest(52.0, 4.0, max_km=1, count=5)] == ["a", "b"]
    assert [h.item for h in grid.nearest(52.0, 4.0, max_km=1, accept=lambda i: i != "a")] == ["b"]
    assert grid.nearest(51.0, 3.0, max_km=5) == []
    assert GridIndex([]).nearest(52.0, 4.0, max_km=5) == []


def test_bounding_box_holds_every_point_within_the_distance():
    # given random centres and radii
    rng = random.Random(3)
    for _ in range(200):
        lat, lon, km = rng.uniform(50.7, 53.6), rng.uniform(3.3, 7.3), rng.uniform(0.1, 50)
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)
        # when a point lies at that distance in any direction
        bearing = rng.uniform(0, 360)
        edge = geodesic(kilometers=km * 0.999).destination((lat, lon), bearing)
        # then the box holds it
        assert min_lat <= edge.latitude <= max_lat
        assert min_lon <= edge.longitude <= max_lon


def test_bounding_box_rejects_negative_distance():
    with pytest.raises(ValueError):
        bounding_box(52.0, 4.0, -1)
