"""Load the gazetteer from the open data files into the database: read, build, upsert.

Idempotent: rows are upserted by code, so a second run changes nothing, and a newer CBS or
GeoNames file (same formats, see geo.sources) replaces the old one without code changes. Places
the new files no longer list are deactivated, not deleted, because other tables point at them.
"""

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Model

from geo import index, sources
from geo.build import Gazetteer, Row, build_gazetteer
from geo.models import District, GazetteerLoad, Municipality, Neighbourhood, PostcodeArea
from geo.text import fold

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCH_SIZE = 1000


@dataclass(frozen=True)
class Sources:
    neighbourhoods: Path = DATA_DIR / "cbs_buurt_2014_labelpoints.topojson"
    districts: Path = DATA_DIR / "cbs_wijk_2014_labelpoints.topojson"
    postcodes: Path = DATA_DIR / "nl_pc4_geonames.tsv"
    # Newer district polygons; attached where they fit (see geo.build). None: no boundaries.
    boundaries: Path | None = DATA_DIR / "nl_wijk_2024.geojson"
    names: Path | None = DATA_DIR / "names.csv"

    def describe(self) -> dict[str, dict[str, str]]:
        described = {}
        for name, path in vars(self).items():
            if path is not None:
                digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
                described[name] = {"file": Path(path).name, "sha256": digest}
        return described


@dataclass
class LoadResult:
    counts: dict[str, int]
    deactivated: dict[str, int]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        counts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        gone = sum(self.deactivated.values())
        return f"Gazetteer loaded in {self.seconds:.1f} s: {counts}; {gone} deactivated."


def read_sources(paths: Sources) -> Gazetteer:
    return build_gazetteer(
        neighbourhoods=sources.read_places(paths.neighbourhoods, prefix="BU"),
        districts=sources.read_places(paths.districts, prefix="WK"),
        postcodes=sources.read_geonames_postcodes(paths.postcodes),
        boundaries=(
            sources.read_boundaries(paths.boundaries, prefix="WK") if paths.boundaries else {}
        ),
        curated=sources.read_curated_names(paths.names) if paths.names else {},
    )


def load_gazetteer(
    paths: Sources | None = None, *, log: Callable[[str], None] | None = None
) -> LoadResult:
    paths = paths or Sources()
    started = time.perf_counter()
    gazetteer = read_sources(paths)
    with transaction.atomic():
        deactivated = _write(gazetteer)
        GazetteerLoad.objects.create(sources=paths.describe(), counts=gazetteer.counts())
    # Not on_commit: the index must also see a load made inside an outer transaction (tests);
    # other processes notice the new GazetteerLoad row instead.
    index.invalidate()
    result = LoadResult(
        counts=gazetteer.counts(),
        deactivated=deactivated,
        notes=gazetteer.notes,
        seconds=time.perf_counter() - started,
    )
    (log or logger.info)(result.summary())
    return result


def ensure_gazetteer(*, log: Callable[[str], None] | None = None) -> LoadResult | None:
    """Load the shipped data if there is none yet (fresh install, seed_demo, tests)."""
    if Neighbourhood.objects.exists() and PostcodeArea.objects.exists():
        return None
    return load_gazetteer(log=log)


def _write(gazetteer: Gazetteer) -> dict[str, int]:
    deactivated = {}
    # Successors are set once every municipality has a primary key.
    municipalities = _upsert(
        Municipality,
        [_place(Municipality, row, merged_into=None) for row in gazetteer.municipalities.values()],
    )
    merged = []
    for row in gazetteer.municipalities.values():
        if row.merged_into:
            successor = municipalities[row.merged_into]
            merged.append(Municipality(pk=municipalities[row.code], merged_into_id=successor))
    Municipality.objects.bulk_update(merged, ["merged_into"], batch_size=BATCH_SIZE)
    deactivated["municipalities"] = _deactivate_missing(Municipality, municipalities)

    districts = _upsert(
        District,
        [
            _place(District, row, municipality_id=municipalities[row.municipality])
            for row in gazetteer.districts.values()
        ],
    )
    deactivated["districts"] = _deactivate_missing(District, districts)

    neighbourhoods = _upsert(
        Neighbourhood,
        [
            _place(
                Neighbourhood,
                row,
                district_id=districts[row.parent],
                municipality_id=municipalities[row.municipality],
            )
            for row in gazetteer.neighbourhoods.values()
        ],
    )
    deactivated["neighbourhoods"] = _deactivate_missing(Neighbourhood, neighbourhoods)

    postcodes = _upsert(
        PostcodeArea,
        [
            PostcodeArea(
                code=row.code,
                place_name=row.place,
                lat=row.lat,
                lon=row.lon,
                municipality_id=municipalities.get(row.municipality),
                nearest_neighbourhood_id=neighbourhoods.get(row.neighbourhood),
                active=True,
            )
            for row in gazetteer.postcodes.values()
        ],
    )
    deactivated["postcodes"] = _deactivate_missing(PostcodeArea, postcodes)
    return deactivated


def _place(model: type[Model], row: Row, **parents) -> Model:
    return model(
        code=row.code,
        name=row.name,
        search_name=fold(row.name),
        aliases=row.aliases,
        lat=row.lat,
        lon=row.lon,
        boundary=row.boundary,
        active=True,
        **parents,
    )


def _upsert(model: type[Model], objects: list[Model]) -> dict[str, int]:
    """Insert or update by code; returns code → primary key for every row in the file."""
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != "code"]
    model.objects.bulk_create(
        objects,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=fields,
    )
    codes = {obj.code for obj in objects}
    return {code: pk for code, pk in model.objects.values_list("code", "pk") if code in codes}


def _deactivate_missing(model: type[Model], loaded: dict[str, int]) -> int:
    loaded_pks = set(loaded.values())
    active = model.objects.filter(active=True).values_list("pk", flat=True)
    stale = [pk for pk in active if pk not in loaded_pks]
    for chunk in _chunks(stale, BATCH_SIZE):
        model.objects.filter(pk__in=chunk).update(active=False)
    return len(stale)


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
