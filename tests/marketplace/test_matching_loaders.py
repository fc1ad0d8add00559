"""The PostgreSQL single-query loader and the portable bulk loader feed the engine the same
candidates: same partners, same features, same ranking."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.matching import selectors
from marketplace.matching.engine import NEAR_RING_KM, rank
from marketplace.matching.services import rank_for
from partners.models import Community
from requests.models import Mode
from tests.marketplace.engagement_factories import EngagementFactory
from tests.partners.factories import KeyPersonProfileFactory
from tests.requests.factories import SupportRequestFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the single query is PostgreSQL's"
    ),
]


def _world(places):
    kinds = ["explaining-system"]
    profiles = [
        KeyPersonProfileFactory(
            display_name="Serves here",
            expertise=kinds,
            neighbourhoods=[places.schilders_west, places.transvaal_noord],
            base_neighbourhood=places.transvaal_noord,
            languages=[("ti", "native"), ("ar", "basic")],
            communities=["eritrean"],
            online=True,
        ),
        KeyPersonProfileFactory(
            display_name="Same district, online",
            expertise=[*kinds, "bridging-to-care"],
            neighbourhoods=[places.schilders_noord],
            base_neighbourhood=places.schilders_noord,
            online=True,
            languages=[("ti", "fluent")],
        ),
        KeyPersonProfileFactory(
            display_name="Delft, online only",
            expertise=kinds,
            neighbourhoods=[places.delft_centrum],
            base_neighbourhood=places.delft_centrum,
            in_person=False,
            online=True,
            travel_radius_km=3,
            languages=[("ti", "native"), ("nl", "fluent")],
        ),
        KeyPersonProfileFactory(
            display_name="No base, busy",
            expertise=kinds,
            neighbourhoods=[places.schilders_west],
            base_neighbourhood=None,
            hours_per_month=40,
            languages=[("ti", "basic")],
        ),
    ]
    busy = profiles[3]
    today = timezone.localdate()
    for status, rating, on_time in [
        ("active", None, None),
        ("completed", 5, True),
        ("completed", 3, None),
    ]:
        EngagementFactory(
            partner=busy,
            offer__partner=busy,
            status=status,
            max_hours=Decimal("10.00"),
            period_start=today + timedelta(days=10),
            period_end=today + timedelta(days=60),
            feedback_rating=rating,
            feedback_on_time=on_time,
        )
    return profiles


@pytest.mark.parametrize("mode", [Mode.IN_PERSON, Mode.EITHER, Mode.ONLINE])
def test_both_loaders_give_the_engine_the_same_candidates(places, mode):
    _world(places)
    request = SupportRequestFactory(
        languages=["ti", ("ar", "preferred")],
        neighbourhood=places.schilders_west,
        mode=mode,
    )
    request.community = Community.objects.get(code="eritrean")
    need = selectors.need_for(request)

    one_query = sorted(selectors._features_in_one_query(request, need), key=lambda f: f.pk)
    in_bulk = sorted(selectors._features_in_bulk(request, need), key=lambda f: f.pk)

    assert one_query == in_bulk
    assert len(one_query) >= 2
    assert any(f.in_community for f in one_query)
    if mode != Mode.ONLINE:  # the busy partner works in person only
        assert any(f.committed and f.completed == 2 and f.rating == 4.0 for f in one_query)
    months = selectors._months(request.period_start, request.period_end)
    ranked = [
        rank(need, [selectors._candidate(f, need, months) for f in fs])
        for fs in (one_query, in_bulk)
    ]
    assert ranked[0] == ranked[1]


@pytest.mark.parametrize("mode", [Mode.IN_PERSON, Mode.EITHER, Mode.ONLINE])
def test_both_loaders_outline_the_same_partners(places, mode):
    _world(places)
    request = SupportRequestFactory(
        languages=["ti"], neighbourhood=places.schilders_west, mode=mode
    )
    need = selectors.need_for(request)
    months = selectors._months(request.period_start, request.period_end)

    one_query = sorted(selectors._outlines_in_one_query(request, need, months))
    in_bulk = sorted(
        selectors._outline(f, need, months) for f in selectors._features_in_bulk(request, need)
    )

    def known(outline):  # what the light query gives exactly
        return outline._replace(served_km_at_least=0, base_km=None)

    assert [known(o) for o in one_query] == [known(o) for o in in_bulk]
    assert one_query
    for quick, exact in zip(one_query, in_bulk, strict=True):
        # Exact inside the ring, a lower bound beyond it: never more than the true distance.
        assert quick.served_km_at_least <= exact.served_km_at_least + 1e-9
        # The home base exactly where reach or the ring could depend on it, else a lower bound.
        if exact.base_km is None or exact.base_km <= max(exact.travel_radius_km, NEAR_RING_KM):
            assert quick.base_km == exact.base_km
        else:
            assert max(exact.travel_radius_km, NEAR_RING_KM) < quick.base_km <= exact.base_km


@pytest.mark.parametrize("mode", [Mode.IN_PERSON, Mode.EITHER, Mode.ONLINE])
def test_ranking_in_stages_equals_ranking_every_candidate(places, mode):
    _world(places)
    request = SupportRequestFactory(
        languages=["ti", ("ar", "preferred")],
        neighbourhood=places.schilders_west,
        mode=mode,
        hours_estimated=Decimal("4.00"),
    )
    need = selectors.need_for(request)

    staged = rank_for(request, limit=2)

    assert staged == rank(need, selectors.candidates_for(request, need), limit=2)
    assert staged
