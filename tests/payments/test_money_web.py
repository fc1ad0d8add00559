from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import Payment
from payments.services import payments as services
from tests.factories import UserFactory
from tests.payments.money_factories import care_payer, issue_invoice, partner

pytestmark = pytest.mark.django_db


def test_pay_page_shows_reference_and_simulated_card_for_own_invoices_only(client):
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())
    _other, outsider = care_payer(name="Andere Zorg")

    client.force_login(coordinator)
    page = client.get(reverse("money:pay"))
    assert invoice.payment_reference in page.content.decode()
    assert "simulated" in page.content.decode()
    assert "js.stripe.com" not in page.content.decode()

    response = client.post(reverse("money:pay"), {"invoice": [invoice.pk], "method": "card"})
    payment = Payment.objects.get()
    assert response.url == reverse("money:payment_detail", args=[payment.pk])

    client.force_login(outsider)
    assert invoice.payment_reference not in client.get(reverse("money:pay")).content.decode()
    assert client.get(reverse("money:payment_detail", args=[payment.pk])).status_code == 404


def test_staff_records_transfer_and_downloads_sepa_file(client):
    customer, _ = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())
    client.force_login(UserFactory(is_staff=True))

    client.post(
        reverse("money:staff"),
        {"action": "bank_transfer", "reference": invoice.payment_reference, "amount": "100,00"},
    )
    client.post(reverse("money:staff"), {"action": "sepa_batch"})
    from payments.models import SepaBatch

    batch = SepaBatch.objects.get()
    download = client.get(reverse("money:sepa_download", args=[batch.pk]))
    assert download["Content-Type"] == "application/xml"
    assert b"pain.001.001.09" in download.content


def test_partner_payouts_page_hides_other_partners(client):
    customer, _ = care_payer()
    staff = UserFactory(is_staff=True)
    mine, theirs = partner(), partner()
    for supplier, amount in ((mine, Decimal("11.00")), (theirs, Decimal("99.00"))):
        document = issue_invoice(customer=customer, supplier=supplier, subtotal=amount)
        services.record_bank_transfer(
            actor=staff, reference=document.payment_reference, amount=amount
        )
    client.force_login(mine.user)
    page = client.get(reverse("money:my_payouts")).content.decode()
    assert "11.00" in page and "99.00" not in page


def test_production_pay_page_confirms_with_stripe_js(settings, stripe_settings, client):
    settings.STRIPE_JS_ENABLED = True
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_brugwerk"
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())
    client.force_login(coordinator)

    response = client.post(
        reverse("money:pay"), {"invoice": [invoice.pk], "method": "card"}, follow=True
    )

    page = response.content.decode()
    payment = Payment.objects.get()
    assert payment.stripe_payment_intent_id and payment.state == "pending"
    assert "https://js.stripe.com/v3/" in page
    assert f'data-client-secret="{payment.stripe_payment_intent_id}_secret_' in page
    assert "simulated" not in page


def test_staff_marks_simulated_payment_and_invoice_shows_paid(client):
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())
    client.force_login(coordinator)
    client.post(reverse("money:pay"), {"invoice": [invoice.pk], "method": "card"})
    payment = Payment.objects.get()

    client.force_login(UserFactory(is_staff=True))
    client.post(reverse("money:payment_detail", args=[payment.pk]), {"action": "mark_paid"})

    invoice.refresh_from_db()
    assert invoice.payment_status == "paid"
    from django.template.loader import render_to_string

    snippet = render_to_string("money/_document_payments.html", {"document": invoice})
    assert "Paid" in snippet and invoice.payment_reference in snippet


def test_staff_pages_are_hidden_from_care_organisations(client):
    _customer, coordinator = care_payer()
    client.force_login(coordinator)

    assert client.get(reverse("money:staff")).status_code == 404
    assert client.get(reverse("money:sepa_download", args=[1])).status_code == 404
    forged = client.post(
        reverse("money:staff"), {"action": "bank_transfer", "reference": "1", "amount": "5"}
    )
    assert forged.status_code == 404
    assert not Payment.objects.exists()
