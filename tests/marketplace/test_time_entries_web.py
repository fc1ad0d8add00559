"""The hours pages from the outside: the partner logs, corrects and withdraws; the coordinator
approves several at once, rejects with a reason and raises the maximum; another partner or
care organisation gets a 404 and changes nothing."""

from decimal import Decimal

import pytest
from django.test import Client

from marketplace.models import TimeEntry, TimeEntryStatus
from marketplace.services import time_entries as services
from payments.models import RateCard
from tests.marketplace.engagement_factories import TimeEntryFactory, den_haag
from tests.marketplace.hours_factories import build_hours_world, days_ago
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


@pytest.fixture
def w():
    return build_hours_world()


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def log_data(w, **overrides):
    data = {
        "work_date": days_ago(1).isoformat(),
        "hours": "1.5",
        "activity": w.engagement.activity_id,
        "note": "Voorlichting aan twee moeders.",
    }
    return data | overrides


def url(w, suffix=""):
    return f"/hours/engagements/{w.engagement.pk}/{suffix}"


def test_the_partner_logs_hours_on_the_engagement_page(w):
    client = as_user(w.partner_user)
    page = client.get(url(w))
    assert page.status_code == 200
    assert 'step="0.25"' in page.content.decode()

    response = client.post(url(w), log_data(w), follow=True)

    assert response.status_code == 200
    entry = TimeEntry.objects.get()
    assert (entry.hours, entry.status) == (Decimal("1.50"), TimeEntryStatus.SUBMITTED)
    assert "1.5 h logged" in response.content.decode()
    assert "1.5 of 40 hours used" in response.content.decode()


def test_a_refused_entry_keeps_what_was_typed_and_shows_the_numbers(w):
    w.engagement.max_hours = Decimal("2")
    w.engagement.save()
    response = as_user(w.partner_user).post(url(w), log_data(w, hours="2.5"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "the agreed maximum is 2 h" in body
    assert "Voorlichting aan twee moeders." in body
    assert not TimeEntry.objects.exists()


def test_the_privacy_guard_refuses_a_phone_number_in_the_note(w):
    response = as_user(w.partner_user).post(url(w), log_data(w, note="Bel 06-12345678"))
    assert response.status_code == 400
    assert not TimeEntry.objects.exists()


def test_my_hours_lists_the_partners_engagements_with_hours_used(w):
    TimeEntryFactory(engagement=w.engagement, work_date=days_ago(2), hours=Decimal("3"))
    body = as_user(w.partner_user).get("/hours/").content.decode()
    assert "3 of 40 hours used, 3 waiting for approval" in body
    assert "Stichting Brug" not in body  # the MZO's engagement is not Mebrat's


def test_the_partner_corrects_and_withdraws_waiting_hours(w):
    entry = services.time_entry_log(
        actor=w.partner_user, engagement=w.engagement, work_date=days_ago(1), hours=2
    )
    client = as_user(w.partner_user)
    assert client.get(f"/hours/entries/{entry.pk}/edit/").status_code == 200
    response = client.post(f"/hours/entries/{entry.pk}/edit/", log_data(w, hours="2.75"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.hours == Decimal("2.75")

    client.post(f"/hours/entries/{entry.pk}/withdraw/")
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.WITHDRAWN


def test_the_coordinator_approves_ticked_hours_and_rejects_one_with_a_reason(w):
    first = TimeEntryFactory(engagement=w.engagement, work_date=days_ago(3))
    second = TimeEntryFactory(engagement=w.engagement, work_date=days_ago(2))
    third = TimeEntryFactory(engagement=w.engagement, work_date=days_ago(1))
    client = as_user(w.coordinator)

    page = client.get("/hours/approve/")
    assert page.status_code == 200
    assert f'value="{first.pk}"' in page.content.decode()

    response = client.post("/hours/approve/bulk/", {"entries": [first.pk, second.pk]}, follow=True)
    assert "2 entries approved." in response.content.decode()

    assert client.post(f"/hours/entries/{third.pk}/reject/", {"reason": ""}).status_code == 400
    client.post(f"/hours/entries/{third.pk}/reject/", {"reason": "Dubbel ingevoerd."})
    statuses = {e.pk: e.status for e in TimeEntry.objects.all()}
    assert statuses == {
        first.pk: TimeEntryStatus.APPROVED,
        second.pk: TimeEntryStatus.APPROVED,
        third.pk: TimeEntryStatus.REJECTED,
    }


def test_bulk_approval_without_ticks_says_so(w):
    TimeEntryFactory(engagement=w.engagement)
    response = as_user(w.coordinator).post("/hours/approve/bulk/", {})
    assert response.status_code == 400
    assert "Tick the hours you approve." in response.content.decode()


def test_the_coordinator_raises_the_maximum_on_the_engagement_page(w):
    client = as_user(w.coordinator)
    assert client.post(url(w, "max-hours/"), {"max_hours": "30"}).status_code == 400
    client.post(url(w, "max-hours/"), {"max_hours": "60"})
    w.engagement.refresh_from_db()
    assert w.engagement.max_hours == Decimal("60")


def test_the_engagement_pages_show_below_parity_to_both_sides(w):
    RateCard.objects.create(
        municipality=den_haag(),
        year=2026,
        expertise=w.engagement.activity,
        hourly_rate=Decimal("40.00"),
    )
    w.engagement.reference_rate = Decimal("40.00")  # hourly rate 30.00
    w.engagement.save()
    for user in (w.partner_user, w.coordinator):
        for page in (url(w), f"/engagements/{w.engagement.pk}/"):
            body = as_user(user).get(page).content.decode()
            assert "Below parity" in body
            assert "75% of the municipal reference rate" in body


def test_the_engagement_page_links_to_the_hours(w):
    body = as_user(w.partner_user).get(f"/engagements/{w.engagement.pk}/").content.decode()
    assert url(w) in body


def test_navigation_shows_my_hours_and_hours_to_approve(w):
    assert "/hours/approve/" in as_user(w.coordinator).get("/start/").content.decode()
    assert 'href="/hours/"' in as_user(w.partner_user).get("/start/").content.decode()


@pytest.mark.parametrize("who", ["other_partner_user", "other_coordinator", "mzo_key_person"])
def test_others_cannot_read_log_or_decide(w, who):
    entry = TimeEntryFactory(engagement=w.engagement)
    client = as_user(getattr(w, who))
    assert client.get(url(w)).status_code == 404
    assert client.post(url(w), log_data(w)).status_code == 404
    assert client.post(f"/hours/entries/{entry.pk}/approve/").status_code == 404
    assert client.post(f"/hours/entries/{entry.pk}/reject/", {"reason": "x"}).status_code == 404
    assert client.post(f"/hours/entries/{entry.pk}/withdraw/").status_code == 404
    assert client.get(f"/hours/entries/{entry.pk}/edit/").status_code == 404
    assert client.post(url(w, "max-hours/"), {"max_hours": "99"}).status_code == 404
    client.post("/hours/approve/bulk/", {"entries": [entry.pk]})
    assert f'value="{entry.pk}"' not in client.get("/hours/approve/").content.decode()
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.SUBMITTED
    assert TimeEntry.objects.count() == 1


def test_the_partner_cannot_approve_their_own_hours_on_the_page(w):
    entry = TimeEntryFactory(engagement=w.engagement)
    client = as_user(w.partner_user)
    response = client.post(f"/hours/entries/{entry.pk}/approve/", follow=True)
    assert "You do not have the role needed" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.SUBMITTED
