"""Two entries logged at the same moment for one person on one day (on two engagements) cannot
together cross 24 h, nor two entries on one engagement its maximum: on PostgreSQL two threads
with their own connections log at once; the person's profile row serialises them."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from marketplace.errors import DomainError
from marketplace.models import TimeEntry
from marketplace.services import time_entries as services
from tests.marketplace.hours_factories import build_hours_world, days_ago, running_engagement
from tests.partners.factories import taxonomy
from tests.requests.conftest import _fast_passwords  # noqa: F401 - shared fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(calls) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # the result to assert on
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
def test_two_entries_logged_at_once_cannot_cross_24_hours_a_day():
    taxonomy()
    w = build_hours_world()
    second = running_engagement(w.engagement.partner, w.care_org, w.coordinator)
    day = days_ago(1)

    def log(engagement):
        return lambda: services.time_entry_log(
            actor=w.partner_user, engagement=engagement, work_date=day, hours="13"
        )

    results = _at_once([log(w.engagement), log(second)])

    logged = [r for r in results if isinstance(r, TimeEntry)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(logged) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], DomainError) and refused[0].code == "day_over_24_hours"
    assert "26 h" in refused[0].message
    assert TimeEntry.objects.filter(work_date=day).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
def test_two_entries_logged_at_once_cannot_cross_the_maximum():
    taxonomy()
    w = build_hours_world()
    w.engagement.max_hours = Decimal("10")
    w.engagement.save()

    def log(days):
        return lambda: services.time_entry_log(
            actor=w.partner_user, engagement=w.engagement, work_date=days_ago(days), hours="6"
        )

    results = _at_once([log(1), log(2)])

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and refused[0].code == "over_max_hours", results
    assert sum(e.hours for e in TimeEntry.objects.filter(engagement=w.engagement)) == 6
