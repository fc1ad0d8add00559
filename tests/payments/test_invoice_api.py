"""The invoices API from the outside: scoped list and detail, PDF, credit and issue actions."""

import pytest

from payments.models import Invoice
from payments.services import invoices as services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.payments.factories import approved, care_org, delft, freelancer, last_month, shop

pytestmark = pytest.mark.django_db

BASE = "/api/v1/invoices/"


@pytest.fixture
def issued():
    s = shop()
    approved(s.engagement, by=s.coordinator, hours="1.25")
    _, year, month = last_month()
    return s, services.invoices_issue_for_month(year, month, queue_pdfs=False).issued[0]


def test_customer_and_supplier_list_and_open_with_lines(api_client, issued):
    s, invoice = issued
    for user in (s.coordinator, s.supplier.user):
        api_client.force_authenticate(user)
        listing = api_client.get(BASE).json()
        assert [row["number"] for row in listing["results"]] == [invoice.number]
        detail = api_client.get(f"{BASE}{invoice.pk}/").json()
        assert detail["total"] == "50.00" and detail["lines"][0]["quantity"] == "1.25"
        assert detail["payment_reference"] == invoice.payment_reference


def test_filters(api_client, issued):
    s, invoice = issued
    api_client.force_authenticate(s.coordinator)
    month = f"{invoice.period_start:%Y-%m}"
    assert api_client.get(BASE, {"period": month}).json()["count"] == 1
    assert api_client.get(BASE, {"period": "2001-01"}).json()["count"] == 0
    assert api_client.get(BASE, {"payment_status": "paid"}).json()["count"] == 0
    assert api_client.get(BASE, {"kind": "invoice"}).json()["count"] == 1


def test_others_get_nothing_and_404(api_client, issued):
    _, invoice = issued
    municipality = OrganisationFactory(kind="municipality", municipality=delft())
    others = [
        MembershipFactory(organisation=care_org("Andere Zorg")).user,
        freelancer("Selam", user=UserFactory(email="selam@example.org")).user,
        MembershipFactory(organisation=municipality, role="auditor").user,
    ]
    for user in others:
        api_client.force_authenticate(user)
        assert api_client.get(BASE).json()["count"] == 0
        assert api_client.get(f"{BASE}{invoice.pk}/").status_code == 404
        assert api_client.get(f"{BASE}{invoice.pk}/pdf/").status_code == 404
        refused = api_client.post(f"{BASE}{invoice.pk}/credit/", {"reason": "x"})
        assert refused.status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get(BASE).status_code in (401, 403)


def test_pdf_action_streams_the_pdf(api_client, issued):
    s, invoice = issued
    api_client.force_authenticate(s.supplier.user)

    response = api_client.get(f"{BASE}{invoice.pk}/pdf/")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_credit_action(api_client, issued):
    s, invoice = issued
    api_client.force_authenticate(s.coordinator)
    refused = api_client.post(f"{BASE}{invoice.pk}/credit/", {"reason": "Wrong"}, format="json")
    assert refused.status_code == 403

    api_client.force_authenticate(s.admin)
    missing = api_client.post(f"{BASE}{invoice.pk}/credit/", {}, format="json")
    assert missing.status_code == 400
    done = api_client.post(f"{BASE}{invoice.pk}/credit/", {"reason": "Wrong"}, format="json")
    assert done.status_code == 201
    body = done.json()
    assert body["kind"] == "credit_note" and body["credit_note_of"] == invoice.number
    assert body["total"] == "-50.00"
    twice = api_client.post(f"{BASE}{invoice.pk}/credit/", {"reason": "Again"}, format="json")
    assert twice.status_code == 409


def test_issue_action(api_client):
    s = shop()
    approved(s.engagement, by=s.coordinator)
    _, year, month = last_month()
    payload = {"customer": s.customer.pk, "year": year, "month": month}

    api_client.force_authenticate(s.supplier.user)
    assert api_client.post(f"{BASE}issue/", payload, format="json").status_code == 404
    api_client.force_authenticate(s.coordinator)
    first = api_client.post(f"{BASE}issue/", payload, format="json")
    second = api_client.post(f"{BASE}issue/", payload, format="json")
    future = api_client.post(f"{BASE}issue/", {**payload, "year": 2099}, format="json")

    assert first.status_code == 200 and len(first.json()["issued"]) == 1
    assert second.json()["issued"] == []
    assert future.status_code == 400
    assert Invoice.objects.count() == 1
