from decimal import Decimal

import pytest

from payments.models import Payment
from payments.services import payments as services
from tests.factories import UserFactory
from tests.payments.conftest import card
from tests.payments.money_factories import care_payer, issue_invoice, partner

pytestmark = pytest.mark.django_db


def test_care_organisation_pays_by_card_over_the_api(stripe_settings, api_client):
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())
    api_client.force_authenticate(coordinator)

    response = api_client.post(
        "/api/v1/payments/",
        {"invoices": [invoice.pk], "method": "card", "payment_method": card("4242424242424242")},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["payment"]["state"] == "succeeded"
    assert response.json()["payment"]["allocations"][0]["document_number"] == invoice.number
    listed = api_client.get("/api/v1/payments/").json()
    assert [p["id"] for p in listed["results"]] == [response.json()["payment"]["id"]]


def test_another_organisation_can_neither_pay_nor_see(stripe_settings, api_client):
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())
    _other, outsider = care_payer(name="Andere Zorg")
    payment = services.start_payment(
        actor=coordinator,
        invoices=[invoice],
        method="card",
        payment_method=card("4242424242424242"),
    ).payment
    api_client.force_authenticate(outsider)

    paying = api_client.post(
        "/api/v1/payments/", {"invoices": [invoice.pk], "method": "card"}, format="json"
    )
    seeing = api_client.get(f"/api/v1/payments/{payment.pk}/")

    assert paying.status_code == 400
    assert paying["Content-Type"].startswith("application/problem+json")
    assert seeing.status_code == 404
    assert api_client.get("/api/v1/payments/").json()["results"] == []
    assert Payment.objects.count() == 1


def test_declined_card_over_the_api_says_why(stripe_settings, api_client):
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())
    api_client.force_authenticate(coordinator)

    response = api_client.post(
        "/api/v1/payments/",
        {"invoices": [invoice.pk], "method": "card", "payment_method": card("4000000000000341")},
        format="json",
    )

    assert response.json()["payment"]["state"] == "failed"
    assert "declined" in response.json()["payment"]["failure_message"]


def test_partner_sees_only_own_payouts_over_the_api(api_client):
    customer, _ = care_payer()
    staff = UserFactory(is_staff=True)
    mine, theirs = partner(), partner()
    for supplier in (mine, theirs):
        document = issue_invoice(customer=customer, supplier=supplier, subtotal=Decimal("20.00"))
        services.record_bank_transfer(
            actor=staff, reference=document.payment_reference, amount=document.total
        )
    api_client.force_authenticate(mine.user)

    listed = api_client.get("/api/v1/payouts/").json()["results"]
    other = theirs.payouts.get()

    assert [p["partner"] for p in listed] == [mine.pk]
    assert listed[0]["state"] == "pending" and listed[0]["amount"] == "20.00"
    assert api_client.get(f"/api/v1/payouts/{other.pk}/").status_code == 404
