"""The calls localstripe does not serve (Connect onboarding, transfers, Checkout with iDEAL),
tested against recorded Stripe test-mode payloads replayed under the real SDK."""

import json
import time

import pytest
import stripe
from django.urls import reverse

from payments import gateway
from payments.models import PartnerPayoutAccount, Payment, PaymentState, PaymentStatus
from payments.services import payments as services
from payments.services import payouts
from tests.payments.conftest import WEBHOOK_SECRET, card
from tests.payments.money_factories import care_payer, issue_invoice, partner
from tests.payments.stripe_replay import ACCOUNT_ID, ACCOUNT_READY

pytestmark = pytest.mark.django_db


def _deliver(client, event_type, obj, event_id, **extra):
    body = json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": obj},
            **extra,
        }
    )
    header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)
    return client.post(
        reverse("money:stripe_webhook"),
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


def test_connect_onboarding_creates_one_account_and_follows_account_updated(
    settings, stripe_settings, replay, client
):
    settings.STRIPE_CONNECT_ENABLED = True
    supplier = partner()
    client.force_login(supplier.user)

    first = client.post(reverse("money:connect_start", args=[supplier.pk]))
    second = client.post(reverse("money:connect_start", args=[supplier.pk]))

    assert first.status_code == second.status_code == 302
    assert first.url.startswith("https://connect.stripe.com/setup/")
    created = [c for c in replay.calls if c[1] == "/v1/accounts"]
    assert len(created) == 1
    account = PartnerPayoutAccount.objects.get(partner=supplier)
    assert created[0][3] == f"brugwerk-connect-{supplier.pk}-{account.pk}"
    assert created[0][2]["settings[payouts][schedule][interval]"] == "manual"
    assert account.stripe_account_id == ACCOUNT_ID and not account.connect_ready

    replay.account = dict(ACCOUNT_READY)
    response = _deliver(client, "account.updated", {"id": ACCOUNT_ID}, "evt_acct_1")

    assert response.status_code == 200
    account.refresh_from_db()
    assert account.connect_ready


def test_another_partner_cannot_start_onboarding_for_someone_else(settings, client, replay):
    settings.STRIPE_CONNECT_ENABLED = True
    supplier, other = partner(), partner()
    client.force_login(other.user)

    response = client.post(reverse("money:connect_start", args=[supplier.pk]))

    assert response.status_code == 404
    assert not replay.calls


def test_transfer_repeats_with_the_same_idempotency_key_give_one_transfer(replay):
    from decimal import Decimal

    kwargs = dict(
        amount=Decimal("12.34"),
        destination=ACCOUNT_ID,
        transfer_group="payout-1",
        metadata={"brugwerk_payout": "1"},
        idempotency_key="brugwerk-payout-invoice-1-transfer",
    )
    first = gateway.create_transfer(**kwargs)
    again = gateway.create_transfer(**kwargs)

    assert isinstance(first, stripe.Transfer)
    assert first.id == again.id and first.amount == 1234 and first.destination == ACCOUNT_ID


def test_ideal_checkout_then_completed_session_pays_the_invoice(stripe_settings, replay, client):
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())

    started = services.start_payment(
        actor=coordinator,
        invoices=[invoice],
        method="ideal",
        success_url="https://brugwerk.example/betaald",
        cancel_url="https://brugwerk.example/betalen",
    )

    assert started.checkout_url.startswith("https://checkout.stripe.com/")
    session_id = started.payment.stripe_checkout_session_id
    sent = next(c for c in replay.calls if c[1] == "/v1/checkout/sessions")
    assert sent[2]["payment_method_types[0]"] == "ideal"
    assert sent[2]["line_items[0][price_data][unit_amount]"] == "10000"
    # Stripe made and confirmed a PaymentIntent behind the hosted page (here: on localstripe).
    intent = gateway.create_payment_intent(
        amount=invoice.total,
        method="card",
        metadata={"brugwerk_payment": str(started.payment.pk)},
        payment_method=card("4242424242424242"),
        idempotency_key="checkout-behind-the-page",
    )
    gateway.confirm_payment_intent(intent.id)
    replay.sessions[session_id].update(
        status="complete", payment_status="paid", payment_intent=intent.id
    )

    response = _deliver(client, "checkout.session.completed", {"id": session_id}, "evt_checkout_1")

    assert response.status_code == 200
    invoice.refresh_from_db()
    assert invoice.payment_status == PaymentStatus.PAID
    assert Payment.objects.get(pk=started.payment.pk).state == PaymentState.SUCCEEDED


def test_connect_disabled_refuses_onboarding(settings):
    settings.STRIPE_CONNECT_ENABLED = False
    supplier = partner()
    from marketplace.errors import Conflict

    with pytest.raises(Conflict):
        payouts.start_connect_onboarding(
            actor=supplier.user, partner=supplier, refresh_url="x", return_url="y"
        )
