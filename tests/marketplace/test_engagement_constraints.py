"""The database's last line of defence for engagements."""

import pytest
from django.db import IntegrityError, transaction

from marketplace.models import Engagement, EngagementStatus
from tests.marketplace.engagement_factories import EngagementFactory, LocalRequestFactory
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db


def test_one_live_engagement_per_request_but_a_cancelled_one_does_not_block(taxonomy):  # noqa: F811
    request = LocalRequestFactory(status="filled")
    first = EngagementFactory(request=request)

    with pytest.raises(IntegrityError), transaction.atomic():
        EngagementFactory(request=request, offer=first.offer)
    Engagement.objects.filter(pk=first.pk).update(status=EngagementStatus.CANCELLED)
    again = EngagementFactory(request=request, offer=first.offer)

    assert list(Engagement.objects.live().filter(request=request)) == [again]


def test_period_and_hours_are_checked_by_the_database(taxonomy):  # noqa: F811
    engagement = EngagementFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Engagement.objects.filter(pk=engagement.pk).update(
            period_end=engagement.period_start.replace(year=2000)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Engagement.objects.filter(pk=engagement.pk).update(max_hours=0)
