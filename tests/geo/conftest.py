"""The real, shipped gazetteer for geo's tests, loaded once rather than per test.

`gazetteer` is the fixture to ask for (other test packages can too, once it moves to the top-level
conftest). The load happens outside any test transaction, so it is emptied again when the last
geo test has run: tests elsewhere that count municipalities would otherwise see 426 extra ones.
"""

import pytest

from geo import index
from geo.areas import GazetteerIndex
from geo.loader import LoadResult, ensure_gazetteer, load_gazetteer
from geo.models import (
    District,
    GazetteerLoad,
    GeocodeCache,
    Municipality,
    Neighbourhood,
    PostcodeArea,
)


@pytest.fixture(scope="package")
def gazetteer_load(django_db_setup, django_db_blocker) -> LoadResult:
    with django_db_blocker.unblock():
        result = load_gazetteer()
    yield result
    with django_db_blocker.unblock():
        _empty_gazetteer()
    index.invalidate()


@pytest.fixture
def gazetteer(gazetteer_load, db, settings) -> GazetteerIndex:
    # A test that loaded other files did so in its own transaction, rolled back since: checking
    # the load version on every look-up makes the index follow.
    settings.GEO_INDEX_CHECK_SECONDS = 0
    # A transactional test elsewhere may have flushed the tables: reload inside this test then.
    ensure_gazetteer()
    return index.get_index()


def _empty_gazetteer() -> None:
    PostcodeArea.objects.all().delete()
    Neighbourhood.objects.all().delete()
    District.objects.all().delete()
    Municipality.objects.update(merged_into=None)
    Municipality.objects.all().delete()
    GazetteerLoad.objects.all().delete()
    GeocodeCache.objects.all().delete()
