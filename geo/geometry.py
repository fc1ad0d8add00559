"""Just enough plane geometry on GeoJSON polygons (lon/lat degrees) for the loader: a label
point, point-in-polygon and distance to an edge. The shapes are simplified and one is not valid
as drawn, so these tolerate self-intersections rather than repair them."""

import math


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return [geometry["coordinates"]]


def _edges(ring: list):
    """Consecutive vertex pairs as ((x1, y1), (x2, y2)), dropping any third coordinate."""
    points = [(point[0], point[1]) for point in ring]
    return zip(points, points[1:] + points[:1], strict=True)


def polygon_centroid(geometry: dict) -> tuple[float, float]:
    """(lat, lon) area centroid of the largest outer ring: a good enough label point for the
    generalised CBS shapes, and stable when the file is reloaded."""
    polygons = _polygons(geometry)
    best = (0.0, 0.0, 0.0)  # |area|, lat, lon
    for polygon in polygons:
        ring = polygon[0]
        area = cx = cy = 0.0
        for (x1, y1), (x2, y2) in _edges(ring):
            cross = x1 * y2 - x2 * y1
            area += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
        if abs(area) > best[0]:
            best = (abs(area), cy / (3 * area), cx / (3 * area))
    if best[0] == 0.0:
        ring = polygons[0][0]
        return (
            math.fsum(p[1] for p in ring) / len(ring),
            math.fsum(p[0] for p in ring) / len(ring),
        )
    return best[1], best[2]


def point_in_geometry(lat: float, lon: float, geometry: dict) -> bool:
    """Even-odd ray casting; tolerant of the self-intersections of simplified shapes."""
    polygons = _polygons(geometry)
    inside = False
    for polygon in polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in _edges(ring):
                if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                    inside = not inside
    return inside


def km_to_geometry(lat: float, lon: float, geometry: dict) -> float:
    """Approximate distance in km from a point to a polygon's edges (equirectangular)."""
    polygons = _polygons(geometry)
    kx, ky = 111.32 * math.cos(math.radians(lat)), 110.57
    best = math.inf
    for polygon in polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in _edges(ring):
                ax, ay = (x1 - lon) * kx, (y1 - lat) * ky
                bx, by = (x2 - lon) * kx, (y2 - lat) * ky
                dx, dy = bx - ax, by - ay
                length = dx * dx + dy * dy
                t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
                best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def bounding_box_of(geometry: dict) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat), the GeoJSON bbox order."""
    xs, ys = [], []
    for polygon in _polygons(geometry):
        for ring in polygon:
            xs.extend(point[0] for point in ring)
            ys.extend(point[1] for point in ring)
    return (min(xs), min(ys), max(xs), max(ys))
