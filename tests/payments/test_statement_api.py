"""The allowance API: statements scoped to their organisation and volunteer (list, detail, PDF),
and usage against the caps for the volunteer or a coordinator who works with them."""

from datetime import date

import pytest

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

STATEMENTS = "/api/v1/allowance-statements/"
USAGE = "/api/v1/allowance-usage/"


@pytest.fixture
def issued():
    mebrat = volunteer(display_name="Mebrat")
    engagement = allowance_engagement(mebrat, care_organisation(name="Jeugdteam West"))
    approved_entry(engagement, date(2026, 3, 2), 3)
    return services.statements_issue_for_month(2026, 3).issued[0]


def test_the_organisation_and_the_volunteer_read_the_statement_and_its_pdf(api_client, issued):
    for user in (coordinator_of(issued.customer), issued.supplier.user):
        api_client.force_authenticate(user)
        listing = api_client.get(STATEMENTS)
        assert listing.status_code == 200
        assert [s["number"] for s in listing.json()["results"]] == ["VV-2026-0001"]
        detail = api_client.get(f"{STATEMENTS}{issued.pk}/").json()
        assert detail["total"] == "15.00"
        assert detail["volunteer"] == {"id": issued.supplier_id, "name": "Mebrat"}
        assert detail["pdf_url"].endswith(f"{STATEMENTS}{issued.pk}/pdf/")
        pdf = api_client.get(f"{STATEMENTS}{issued.pk}/pdf/")
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("who", ["other_coordinator", "other_volunteer"])
def test_others_can_neither_read_nor_download(api_client, issued, who):
    user = coordinator_of(care_organisation()) if who == "other_coordinator" else volunteer().user
    api_client.force_authenticate(user)
    assert api_client.get(STATEMENTS).json()["results"] == []
    assert api_client.get(f"{STATEMENTS}{issued.pk}/").status_code == 404
    assert api_client.get(f"{STATEMENTS}{issued.pk}/pdf/").status_code == 404
    assert api_client.get(USAGE, {"partner": issued.supplier_id}).status_code == 404


def test_read_only(api_client, issued):
    api_client.force_authenticate(coordinator_of(issued.customer))
    assert api_client.delete(f"{STATEMENTS}{issued.pk}/").status_code == 405
    assert api_client.post(STATEMENTS, {}).status_code == 405


def test_anonymous_gets_nothing(api_client, issued):
    assert api_client.get(STATEMENTS).status_code in (401, 403)
    assert api_client.get(USAGE).status_code in (401, 403)


def test_usage_for_the_volunteer_and_a_coordinator_who_works_with_them(api_client, issued):
    received_before(issued.supplier, "220.00", range(4, 12))  # €1,760 more
    api_client.force_authenticate(issued.supplier.user)

    mine = api_client.get(USAGE, {"year": 2026, "month": 3})

    assert mine.status_code == 200
    [usage] = mine.json()
    assert usage["year_total"] == "1775.00"
    assert usage["month_total"] == "15.00"
    assert usage["year_cap"] == "2200.00"
    assert usage["month_cap"] == "220.00"
    assert usage["hourly_cap"] == "5.75"
    assert usage["birth_date_known"] is False
    assert "yearly maximum of €2,200.00" in usage["notice"]

    api_client.force_authenticate(coordinator_of(issued.customer))
    theirs = api_client.get(USAGE, {"partner": issued.supplier_id, "year": 2026, "month": 3})
    assert theirs.status_code == 200
    assert theirs.json()[0]["year_total"] == "1775.00"


def test_usage_rejects_bad_parameters_as_problems(api_client, issued):
    api_client.force_authenticate(issued.supplier.user)
    response = api_client.get(USAGE, {"month": 13})
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "month"
    assert api_client.get(USAGE, {"year": 2020, "month": 1}).status_code == 400
