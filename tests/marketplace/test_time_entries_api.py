"""Hours over the API, from the outside: log, correct, withdraw, approve (one and several),
reject, raise the maximum, filters, problem+json errors, and the scoping boundaries."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from marketplace.models import TimeEntry, TimeEntryStatus
from tests.marketplace.engagement_factories import TimeEntryFactory
from tests.marketplace.hours_factories import approved_entry, build_hours_world, days_ago, today
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]

BASE = "/api/v1/time-entries/"


@pytest.fixture
def w():
    return build_hours_world()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def log(client, w, **overrides):
    body = {"engagement": w.engagement.pk, "work_date": days_ago(1).isoformat(), "hours": "2.5"}
    return client.post(BASE, body | overrides, format="json")


def test_the_partner_logs_hours_and_reads_them_back(w):
    client = api(w.partner_user)
    response = log(client, w, activity="accompanying", note="Mee naar het wijkteam.")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["hours"] == "2.50"
    assert body["status"] == "submitted"
    assert body["activity"]["code"] == "accompanying"
    assert body["logged_by_me"] is True
    assert client.get(f"{BASE}{body['id']}/").status_code == 200


def test_a_broken_rule_is_problem_json_naming_the_numbers(w):
    response = log(api(w.partner_user), w, hours="30")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"

    w.engagement.max_hours = Decimal("2")
    w.engagement.save()
    response = log(api(w.partner_user), w, hours="2.5")
    problem = response.json()
    assert response.status_code == 400
    assert problem["code"] == "over_max_hours"
    assert "the agreed maximum is 2 h" in problem["detail"]
    assert problem["invalidParams"][0]["name"] == "hours"


def test_a_future_date_is_refused(w):
    response = log(api(w.partner_user), w, work_date=today().replace(year=today().year + 1))
    assert response.status_code == 400
    assert response.json()["code"] == "date_in_future"


def test_the_partner_corrects_and_withdraws(w):
    client = api(w.partner_user)
    entry_id = log(client, w).json()["id"]
    response = client.patch(f"{BASE}{entry_id}/", {"hours": "3"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["hours"] == "3.00"
    response = client.delete(f"{BASE}{entry_id}/")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_approved_hours_are_locked(w):
    entry = approved_entry(w.engagement, w.coordinator)
    client = api(w.partner_user)
    response = client.patch(f"{BASE}{entry.pk}/", {"hours": "1"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "time_entry_locked"
    assert client.delete(f"{BASE}{entry.pk}/").status_code == 409


def test_the_coordinator_approves_and_rejects(w):
    first = TimeEntryFactory(engagement=w.engagement, work_date=days_ago(2))
    second = TimeEntryFactory(engagement=w.engagement, work_date=days_ago(1))
    client = api(w.coordinator)
    response = client.post(f"{BASE}{first.pk}/approve/")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"

    assert client.post(f"{BASE}{second.pk}/reject/", {}, format="json").status_code == 400
    response = client.post(f"{BASE}{second.pk}/reject/", {"reason": "Dubbel."}, format="json")
    assert response.json()["status"] == "rejected"
    assert response.json()["reject_reason"] == "Dubbel."


def test_bulk_approval_reports_per_entry(w):
    ok = TimeEntryFactory(engagement=w.engagement, work_date=days_ago(2))
    own = TimeEntryFactory(engagement=w.engagement, logged_by=w.coordinator)
    foreign = TimeEntryFactory(engagement=w.other_engagement)
    response = api(w.coordinator).post(
        f"{BASE}bulk-approve/", {"ids": [ok.pk, own.pk, foreign.pk]}, format="json"
    )
    assert response.status_code == 200
    results = {row["id"]: row for row in response.json()["results"]}
    assert results[ok.pk]["approved"] is True
    assert results[own.pk]["code"] == "self_approval"
    assert results[foreign.pk]["code"] == "not_found"
    assert response.json()["summary"] == "1 entry approved. 2 entries not approved:"
    foreign.refresh_from_db()
    assert foreign.status == TimeEntryStatus.SUBMITTED


def test_filters_by_engagement_status_and_dates(w):
    TimeEntryFactory(engagement=w.engagement, work_date=days_ago(10))
    TimeEntryFactory(engagement=w.engagement, work_date=days_ago(2))
    approved_entry(w.engagement, w.coordinator, work_date=days_ago(3))
    client = api(w.coordinator)
    rows = client.get(BASE, {"engagement": w.engagement.pk, "status": "submitted"}).json()
    assert rows["count"] == 2
    rows = client.get(BASE, {"date_from": days_ago(5).isoformat()}).json()
    assert rows["count"] == 2
    rows = client.get(BASE, {"date_to": days_ago(5).isoformat()}).json()
    assert rows["count"] == 1


def test_raise_max_hours_and_parity_on_the_engagement(w):
    w.engagement.reference_rate = Decimal("40.00")
    w.engagement.save()
    TimeEntryFactory(engagement=w.engagement, hours=Decimal("2.5"))
    client = api(w.coordinator)
    response = client.post(
        f"/api/v1/engagements/{w.engagement.pk}/raise-max-hours/", {"max_hours": "45"}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["max_hours"] == "45.00"
    assert body["below_parity"] is True
    assert body["parity_percent"] == 75
    assert body["reference_rate"] == "40.00"
    assert body["hours_used"] == "2.50"
    listed = client.get("/api/v1/engagements/").json()["results"]
    assert {e["id"]: e["hours_used"] for e in listed}[w.engagement.pk] == "2.50"

    partner = api(w.partner_user).post(
        f"/api/v1/engagements/{w.engagement.pk}/raise-max-hours/", {"max_hours": "99"}
    )
    assert partner.status_code == 403


@pytest.mark.parametrize("who", ["other_partner_user", "other_coordinator", "mzo_key_person"])
def test_others_cannot_read_log_change_or_decide(w, who):
    entry = TimeEntryFactory(engagement=w.engagement)
    client = api(getattr(w, who))
    assert client.get(BASE).json()["count"] == 0
    assert client.get(f"{BASE}{entry.pk}/").status_code == 404
    assert log(client, w).status_code == 404
    assert client.patch(f"{BASE}{entry.pk}/", {"hours": "1"}, format="json").status_code == 404
    assert client.delete(f"{BASE}{entry.pk}/").status_code == 404
    assert client.post(f"{BASE}{entry.pk}/approve/").status_code == 404
    assert client.post(f"{BASE}{entry.pk}/reject/", {"reason": "x"}).status_code == 404
    response = client.post(
        f"/api/v1/engagements/{w.engagement.pk}/raise-max-hours/", {"max_hours": "99"}
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.SUBMITTED
    assert TimeEntry.objects.count() == 1


def test_the_care_side_cannot_log_and_the_partner_cannot_approve(w):
    assert log(api(w.coordinator), w).status_code == 403
    entry = TimeEntryFactory(engagement=w.engagement)
    assert api(w.partner_user).post(f"{BASE}{entry.pk}/approve/").status_code == 403


def test_anonymous_gets_401(w):
    assert APIClient().get(BASE).status_code in (401, 403)
