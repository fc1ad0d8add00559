"""The demo requests: enough of them, across statuses, idempotent, and clean of personal data."""

import pytest
from django.utils import timezone

from marketplace import demo as marketplace_demo
from requests.demo import DEMO_REQUESTS, seed_requests
from requests.models import Status, SupportRequest
from requests.privacy import find_personal_data
from tests.factories import DistrictFactory, MunicipalityFactory, NeighbourhoodFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


@pytest.fixture
def demo_places():
    """The neighbourhoods the demo uses, as a loaded gazetteer would have them."""
    for code, name, municipality in {spec.place for spec in DEMO_REQUESTS}:
        district = DistrictFactory(
            code=f"WK{code[2:8]}",
            name=f"Wijk {code[6:8]}",
            municipality=MunicipalityFactory(code=municipality),
        )
        NeighbourhoodFactory(code=code, name=name, district=district)


def test_seed_requests_fills_the_demo_and_is_idempotent(demo_places):
    marketplace_demo.seed()

    first = seed_requests()
    second = seed_requests()

    assert len(first) == len(DEMO_REQUESTS) >= 22
    assert [r.pk for r in first] == [r.pk for r in second]
    assert SupportRequest.objects.count() == len(DEMO_REQUESTS)
    statuses = list(SupportRequest.objects.values_list("status", flat=True))
    assert statuses.count(Status.OPEN) > len(statuses) / 2
    assert {
        Status.DRAFT,
        Status.MATCHING,
        Status.FILLED,
        Status.COMPLETED,
        Status.CANCELLED,
    } <= set(statuses)
    municipalities = set(
        SupportRequest.objects.values_list("neighbourhood__municipality__code", flat=True)
    )
    assert municipalities == {"GM0518", "GM0503", "GM0637"}
    languages = set(SupportRequest.objects.values_list("languages__language__code", flat=True))
    assert {"ti", "ary", "zgh", "tr", "pl", "pap", "ar", "so", "prs", "uk", "bg"} <= languages
    coordinator = SupportRequest.objects.filter(created_by__email=marketplace_demo.DEMO_COORDINATOR)
    assert coordinator.exists()
    for request in SupportRequest.objects.filter(status__in=[Status.OPEN, Status.MATCHING]):
        assert timezone.localdate() <= request.response_deadline <= request.period_end


@pytest.mark.parametrize("spec", DEMO_REQUESTS, ids=lambda spec: spec.title[:40])
def test_every_demo_text_passes_the_privacy_guard(spec):
    for text in (spec.title, spec.description, spec.internal_notes):
        assert find_personal_data(text) == []


def test_seed_requests_skips_what_the_gazetteer_lacks():
    for code in ("GM0518", "GM0503", "GM0637"):
        MunicipalityFactory(code=code)
    marketplace_demo.seed()

    assert seed_requests() == []
