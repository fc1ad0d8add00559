"""Offline geocoding throughput: look-ups and nearest-neighbourhood searches a second.

Run with `make bench` (all benchmarks) or `python -m bench.geo`; the database comes from
DATABASE_URL, is migrated if it has to be, and gets the gazetteer if it has none. The target of
the issue is 10,000 geocoding look-ups a second after warm-up, on one core.
"""

import os
import random
import time
from collections.abc import Callable, Sequence

WARM_UP = 2_000
LOOKUPS = 60_000
POINTS = 30_000
SUGGESTIONS = 5_000
TARGET_PER_SECOND = 10_000


def main() -> dict[str, float]:
    _setup_django()
    from geo import index
    from geo.geocoders import GazetteerGeocoder
    from geo.loader import ensure_gazetteer

    _migrate_if_needed()
    started = time.perf_counter()
    loaded = ensure_gazetteer(log=lambda message: None)
    if loaded:
        print(f"gazetteer loaded in {time.perf_counter() - started:.1f} s ({loaded.counts})")

    index.invalidate()
    started = time.perf_counter()
    gazetteer = index.get_index()
    seconds = time.perf_counter() - started
    print(f"in-memory index built in {seconds:.2f} s ({len(gazetteer)} entries)")

    rng = random.Random(2525)  # noqa: S311 - a reproducible workload, not a secret
    geocoder = GazetteerGeocoder()
    queries = _mixed_queries(gazetteer, rng)
    points = _points_on_land(gazetteer, rng)
    prefixes = [label[: rng.randint(3, 6)] for label in rng.sample(_labels(gazetteer), 500)]

    _timed(geocoder.geocode, queries[:WARM_UP])
    runs = {
        "geocode (PC4, PC6, names mixed)": _timed(geocoder.geocode, _cycle(queries, LOOKUPS)),
        "reverse (nearest neighbourhood)": _timed(geocoder.reverse, _cycle(points, POINTS)),
        "autocomplete (3-6 letters)": _timed(_suggester(), _cycle(prefixes, SUGGESTIONS)),
    }
    for name, (per_second, not_found) in runs.items():
        print(f"{name:<32} {per_second:>10,.0f} look-ups/s  ({not_found:.1%} not found)")
    results = {name.split()[0]: per_second for name, (per_second, _) in runs.items()}
    verdict = "meets" if results["geocode"] >= TARGET_PER_SECOND else "MISSES"
    print(f"geocoding {verdict} the target of {TARGET_PER_SECOND:,} look-ups/s")
    return results


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()


def _migrate_if_needed() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("migrating the benchmark database…")
        call_command("migrate", verbosity=0, skip_checks=True)


def _mixed_queries(gazetteer, rng: random.Random) -> list[str]:
    """A third postcodes (PC4), a third full postcodes (PC6), a third names, as people type them:
    neighbourhood and district names with their municipality, and bare municipality names."""
    pc4s = list(gazetteer.postcodes)
    letters = [a + b for a in "ABCDEGHJKLMNPRTVWXZ" for b in "ABCDEGHJKLMNPRTVWXZ"]
    names = [
        area.label if rng.random() < 0.5 else area.label.replace(",", "")
        for area in gazetteer.by_code.values()
    ]
    queries = []
    for _ in range(6_000):
        queries.append(rng.choice(pc4s))
        queries.append(f"{rng.choice(pc4s)} {rng.choice(letters)}")
        queries.append(rng.choice(names))
    rng.shuffle(queries)
    return queries


def _points_on_land(gazetteer, rng: random.Random) -> list[tuple[float, float]]:
    """Random points within a kilometre or two of a random neighbourhood, so nearly all are in
    the Netherlands (uniform points in its bounding box are half sea and Germany)."""
    areas = list(gazetteer.by_code.values())
    neighbourhoods = [a for a in areas if a.kind == "neighbourhood"]
    return [
        (a.lat + rng.uniform(-0.015, 0.015), a.lon + rng.uniform(-0.02, 0.02))
        for a in rng.choices(neighbourhoods, k=6_000)
    ]


def _labels(gazetteer) -> list[str]:
    return [area.name for area in gazetteer.by_code.values()]


def _suggester() -> Callable[[str], list]:
    from geo.selectors import suggest_places

    return suggest_places


def _cycle(items: Sequence, count: int) -> list:
    return [items[i % len(items)] for i in range(count)]


def _timed(function: Callable, arguments: list) -> tuple[float, float]:
    """(calls a second, share not found): an answer that a place is unknown or ambiguous
    counts as a look-up too, and its share is reported next to the rate."""
    from geo.errors import PlaceNotFound

    not_found = 0
    started = time.perf_counter()
    for argument in arguments:
        try:
            function(argument)
        except PlaceNotFound:
            not_found += 1
    return len(arguments) / (time.perf_counter() - started), not_found / len(arguments)


if __name__ == "__main__":
    main()
