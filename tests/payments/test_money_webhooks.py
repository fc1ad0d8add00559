"""The Stripe webhook, delivered by localstripe to a live server, and replayed/forged."""

import json
import time
from decimal import Decimal

import pytest
import stripe
from django.urls import reverse

from payments import ledger
from payments.models import Payment, PaymentState, PaymentStatus, Payout, StripeEvent
from payments.services import payments as services
from tests.payments.conftest import WEBHOOK_SECRET, card, register_webhook
from tests.payments.money_factories import care_payer, issue_invoice, partner


@pytest.mark.django_db(transaction=True)
def test_end_to_end_card_payment_confirmed_by_webhook(
    stripe_settings, live_server, localstripe_url
):
    register_webhook(localstripe_url, live_server.url + reverse("money:stripe_webhook"))
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())
    # The intent is made and confirmed without our own state update: only the webhook applies it.
    payment = services._create_payment(
        actor=coordinator, invoices=[invoice], statements=[], method="card"
    )
    from payments import gateway

    intent = gateway.create_payment_intent(
        amount=payment.amount,
        method="card",
        metadata={"brugwerk_payment": str(payment.pk)},
        payment_method=card("4242424242424242"),
        idempotency_key=f"e2e-{payment.pk}",
    )
    Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent.id)
    gateway.confirm_payment_intent(intent.id)

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        invoice.refresh_from_db()
        if invoice.payment_status == PaymentStatus.PAID:
            break
        time.sleep(0.2)

    assert invoice.payment_status == PaymentStatus.PAID
    assert Payment.objects.get(pk=payment.pk).state == PaymentState.SUCCEEDED
    assert Payout.objects.get(invoice=invoice).amount == Decimal("100.00")
    assert StripeEvent.objects.filter(type="payment_intent.succeeded").count() == 1
    assert ledger.verify().ok


def _signed(client, url, payload: dict, secret=WEBHOOK_SECRET):
    body = json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret)
    return client.post(url, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def _event(event_id, intent_id):
    return {
        "id": event_id,
        "object": "event",
        "type": "payment_intent.succeeded",
        "created": int(time.time()),
        "data": {"object": {"id": intent_id, "object": "payment_intent"}},
    }


@pytest.mark.django_db
def test_same_event_twice_changes_nothing_and_forged_gets_400(stripe_settings, client):
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())
    payment = services._create_payment(
        actor=coordinator, invoices=[invoice], statements=[], method="card"
    )
    from payments import gateway

    intent = gateway.create_payment_intent(
        amount=payment.amount,
        method="card",
        metadata={"brugwerk_payment": str(payment.pk)},
        payment_method=card("4242424242424242"),
        idempotency_key=f"dup-{payment.pk}",
    )
    Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent.id)
    gateway.confirm_payment_intent(intent.id)
    url = reverse("money:stripe_webhook")

    forged = _signed(client, url, _event("evt_forged", intent.id), secret="whsec_wrong")
    assert forged.status_code == 400
    invoice.refresh_from_db()
    assert invoice.payment_status == PaymentStatus.OPEN
    assert not StripeEvent.objects.exists()

    first = _signed(client, url, _event("evt_1", intent.id))
    entries = ledger.verify().entries_checked
    second = _signed(client, url, _event("evt_1", intent.id))

    assert first.status_code == second.status_code == 200
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("100.00")
    assert StripeEvent.objects.count() == 1
    assert ledger.verify().entries_checked == entries


@pytest.mark.django_db
def test_unknown_event_is_200_and_failure_is_500(stripe_settings, client):
    url = reverse("money:stripe_webhook")
    unknown = _event("evt_unknown", "pi_x")
    unknown["type"] = "customer.created"
    assert _signed(client, url, unknown).status_code == 200

    missing = _signed(client, url, _event("evt_missing", "pi_doesnotexist"))
    assert missing.status_code == 500
    assert not StripeEvent.objects.filter(event_id="evt_missing").exists()


@pytest.mark.django_db
def test_payment_intent_not_made_by_brugwerk_is_acknowledged(stripe_settings, client):
    from payments import gateway

    foreign = gateway.create_payment_intent(
        amount=Decimal("5.00"), method="card", metadata={}, idempotency_key="foreign-1"
    )

    response = _signed(client, reverse("money:stripe_webhook"), _event("evt_foreign", foreign.id))

    assert response.status_code == 200
    assert not StripeEvent.objects.exists()
