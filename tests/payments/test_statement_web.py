"""Allowance pages: the volunteer's usage and statements, the organisation's list with refusals,
detail and PDF download, each closed to other organisations and volunteers."""

from datetime import date

import pytest
from django.urls import reverse

from payments.services import statements as services
from tests.marketplace.engagement_factories import care_organisation
from tests.payments.statement_factories import (
    allowance_engagement,
    approved_entry,
    coordinator_of,
    received_before,
    volunteer,
)
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy", "documents")]


@pytest.fixture(autouse=True)
def _december_2026(monkeypatch):
    # The pages show "this month" and "this year": pin them to a year with caps recorded.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 12, 6))


@pytest.fixture
def issued():
    mebrat = volunteer(display_name="Mebrat")
    engagement = allowance_engagement(mebrat, care_organisation(name="Jeugdteam West"))
    approved_entry(engagement, date(2026, 3, 2), 3)
    statement = services.statements_issue_for_month(2026, 3).issued[0]
    return statement


def _login(client, user):
    client.force_login(user)
    return client


def test_my_allowance_shows_usage_against_the_caps_and_my_statements(client, issued):
    received_before(issued.supplier, "200.00", range(1, 10))
    _login(client, issued.supplier.user)
    response = client.get(reverse("statements:mine"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "My allowance" in body
    assert "yearly maximum" in body and "<progress" in body
    assert issued.number in body
    assert reverse("statements:pdf", args=[issued.pk]) in body
    assert "of the yearly maximum of" in body  # the 80% notice (€1,815 in 2026)


def test_the_organisation_lists_detail_and_downloads(client, issued):
    coordinator = coordinator_of(issued.customer)
    _login(client, coordinator)
    listing = client.get(reverse("statements:list"))
    assert listing.status_code == 200
    assert issued.number in listing.content.decode()
    assert "Allowance statements" in listing.content.decode()  # also in the menu

    detail = client.get(reverse("statements:detail", args=[issued.pk]))
    assert detail.status_code == 200
    assert "Mebrat" in detail.content.decode()

    pdf = client.get(reverse("statements:pdf", args=[issued.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_volunteer_downloads_their_own_pdf(client, issued):
    _login(client, issued.supplier.user)
    assert client.get(reverse("statements:pdf", args=[issued.pk])).status_code == 200
    assert client.get(reverse("statements:detail", args=[issued.pk])).status_code == 200


@pytest.mark.parametrize("who", ["other_coordinator", "other_volunteer"])
def test_others_can_neither_read_nor_download(client, issued, who):
    user = coordinator_of(care_organisation()) if who == "other_coordinator" else volunteer().user
    _login(client, user)
    assert client.get(reverse("statements:detail", args=[issued.pk])).status_code == 404
    assert client.get(reverse("statements:pdf", args=[issued.pk])).status_code == 404
    assert issued.number not in client.get(reverse("statements:mine")).content.decode()
    listing = client.get(reverse("statements:list"))
    assert listing.status_code == 404 or issued.number not in listing.content.decode()


def test_anonymous_is_sent_to_log_in(client, issued):
    response = client.get(reverse("statements:pdf", args=[issued.pk]))
    assert response.status_code == 302


def test_a_coordinator_issues_a_month_and_sees_refusals(client):
    team = care_organisation(name="Jeugdteam Oost")
    coordinator = coordinator_of(team)
    mebrat = volunteer(display_name="Mebrat")
    received_before(mebrat, "215.00", range(1, 11))
    approved_entry(allowance_engagement(mebrat, team), date(2026, 11, 3), 12)
    approved_entry(allowance_engagement(volunteer(), team), date(2026, 11, 3), 2)
    _login(client, coordinator)

    response = client.post(reverse("statements:list"), {"month": "2026-11"}, follow=True)

    body = response.content.decode()
    assert "1 statement issued." in body
    assert "the yearly maximum is €2,200.00" in body
    assert "Refused at a cap" in body


def test_a_month_in_the_future_is_refused_on_the_field(client):
    _login(client, coordinator_of(care_organisation()))
    response = client.post(reverse("statements:list"), {"month": "2099-01"})
    assert response.status_code == 200
    assert "Choose this month or an earlier one." in response.content.decode()


def test_a_coordinator_switches_a_capped_volunteer_to_invoice(client):
    team = care_organisation(name="Jeugdteam Noord")
    mebrat = volunteer(display_name="Mebrat")
    received_before(mebrat, "215.00", range(1, 11))
    engagement = allowance_engagement(mebrat, team)
    approved_entry(engagement, date(2026, 11, 3), 12)
    _login(client, coordinator_of(team))
    client.post(reverse("statements:list"), {"month": "2026-11"})
    listing = client.get(reverse("statements:list")).content.decode()
    url = reverse("statements:compensation", args=[engagement.pk])
    assert url in listing  # the refusal links to the switch

    page = client.get(url)
    assert page.status_code == 200 and "of the yearly maximum" in page.content.decode()
    missing = client.post(url, {"mode": "invoice_person"})
    assert missing.status_code == 400
    response = client.post(url, {"mode": "invoice_person", "reason": "Cap reached"})
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.compensation_mode == "invoice_person"
    detail = client.get(reverse("engagements:detail", args=[engagement.pk])).content.decode()
    assert url in detail


def test_the_switch_is_closed_to_the_volunteer_and_other_organisations(client):
    engagement = allowance_engagement()
    url = reverse("statements:compensation", args=[engagement.pk])
    for user in (engagement.partner.user, coordinator_of(care_organisation())):
        _login(client, user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"mode": "invoice_person", "reason": "x"}).status_code == 404
    engagement.refresh_from_db()
    assert engagement.compensation_mode == "allowance"
