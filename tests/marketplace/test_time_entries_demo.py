"""The demo's rate cards and hours: made once, running again adds nothing, and last month has
approved hours for month-end invoicing."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from marketplace import demo
from marketplace.demo_hours import seed_hours
from marketplace.models import Engagement, TimeEntry, TimeEntryStatus
from partners.demo import seed_partners
from payments.models import RateCard
from tests.factories import MunicipalityFactory
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


def test_seed_hours_is_idempotent_and_fills_last_month():
    for code, name in demo.MUNICIPALITIES:
        MunicipalityFactory(code=code, name=name)
    demo.seed()
    seed_partners()

    cards, entries = seed_hours()
    again = seed_hours()

    assert cards == RateCard.objects.count() == 3 * 2 * 9
    assert entries == TimeEntry.objects.count() > 0
    assert again == (cards, 0)
    assert Engagement.objects.count() == 3
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    approved = TimeEntry.objects.filter(
        status=TimeEntryStatus.APPROVED,
        work_date__year=last_month.year,
        work_date__month=last_month.month,
    )
    assert approved.count() == 15
    assert TimeEntry.objects.filter(status=TimeEntryStatus.SUBMITTED).count() == 6
    assert all(e.reference_rate is not None for e in Engagement.objects.all())
    assert Engagement.objects.filter(hourly_rate__lt=F("reference_rate")).exists()
