"""Paying partners through Stripe Connect: localstripe for payouts (and its outage), recorded
Stripe payloads for transfers, which localstripe does not serve."""

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
import stripe
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from payments import gateway, ledger
from payments.models import PartnerPayoutAccount, Payout, PayoutState
from payments.payment_tasks import retry_stale_payouts_task, send_payout_task
from payments.services import payments as services
from payments.services import payouts
from tests.factories import UserFactory
from tests.payments.conftest import WEBHOOK_SECRET
from tests.payments.money_factories import care_payer, issue_invoice, partner
from tests.payments.stripe_replay import ACCOUNT_ID

pytestmark = pytest.mark.django_db


def _connected_partner():
    supplier = partner()
    PartnerPayoutAccount.objects.create(
        partner=supplier, method="connect", stripe_account_id=ACCOUNT_ID, connect_ready=True
    )
    return supplier


def _paid_invoice(supplier, capture):
    customer, _ = care_payer()
    invoice = issue_invoice(customer=customer, supplier=supplier)
    with capture(execute=True):
        services.record_bank_transfer(
            actor=UserFactory(is_staff=True),
            reference=invoice.payment_reference,
            amount=invoice.total,
        )
    return invoice


def _payouts_in_stripe(payout):
    listed = gateway.stripe_client().v1.payouts.list(params={"limit": 100})
    return [p for p in listed.data if p.metadata.to_dict().get("brugwerk_payout") == str(payout.pk)]


def test_localstripe_down_during_payout_keeps_it_pending_then_completes_once(
    settings, own_localstripe, replay, django_capture_on_commit_callbacks
):
    settings.STRIPE_CONNECT_ENABLED = True
    supplier = _connected_partner()
    own_localstripe.stop()

    invoice = _paid_invoice(supplier, django_capture_on_commit_callbacks)

    payout = Payout.objects.get(invoice=invoice)
    assert payout.method == "connect"
    assert payout.state == PayoutState.PENDING
    assert payout.attempts == 1
    assert payout.next_attempt_at > timezone.now()
    assert payout.stripe_transfer_id  # the transfer went; the bank payout did not
    assert payout.stripe_payout_id == ""

    own_localstripe.start()
    assert payouts.send_due_payouts() == 0  # backing off: not due yet
    later = timezone.now() + timedelta(hours=1)
    assert payouts.send_due_payouts(now=later) == 1

    payout.refresh_from_db()
    assert payout.state == PayoutState.SENT
    assert payout.stripe_payout_id.startswith("po_")
    # A second run, a retried task and the beat find nothing to do.
    assert payouts.send_due_payouts(now=later + timedelta(hours=1)) == 0
    assert send_payout_task.delay(payout.pk).get() == PayoutState.SENT
    assert retry_stale_payouts_task.delay().get() == 0
    assert len(_payouts_in_stripe(payout)) == 1
    transfers = [c for c in replay.calls if c[1] == "/v1/transfers"]
    assert len(transfers) == 1
    assert transfers[0][3] == f"{payout.idempotency_key}-transfer"
    assert transfers[0][2]["amount"] == "10000"  # the whole amount: no fee


def test_payout_paid_webhook_records_days_ledger_and_mail(
    settings, stripe_settings, replay, client, mailoutbox, django_capture_on_commit_callbacks
):
    settings.STRIPE_CONNECT_ENABLED = True
    supplier = _connected_partner()
    invoice = _paid_invoice(supplier, django_capture_on_commit_callbacks)
    payout = Payout.objects.get(invoice=invoice)
    assert payout.state == PayoutState.SENT
    replay.paid_payouts[payout.stripe_payout_id] = 10000
    body = json.dumps(
        {
            "id": "evt_payout_paid_1",
            "object": "event",
            "type": "payout.paid",
            "account": ACCOUNT_ID,
            "created": int(time.time()),
            "data": {"object": {"id": payout.stripe_payout_id, "object": "payout"}},
        }
    )
    header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("money:stripe_webhook"),
            body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )

    assert response.status_code == 200
    payout.refresh_from_db()
    assert payout.state == PayoutState.PAID
    assert payout.days_to_payout == 0
    assert ledger.verify().ok
    assert len(mailoutbox) == 1 and "100.00" in mailoutbox[0].subject


def test_claim_is_a_conditional_update(settings):
    supplier = _connected_partner()
    customer, _ = care_payer()
    invoice = issue_invoice(customer=customer, supplier=supplier)
    payout = Payout.objects.create(
        partner=supplier,
        invoice=invoice,
        amount=Decimal("100.00"),
        method="connect",
        idempotency_key="k-1",
        approved_at=timezone.now(),
    )

    assert payouts.claim(payout.pk) is not None
    assert payouts.claim(payout.pk) is None  # the first sender holds it


def test_one_payout_per_document_and_unique_idempotency_key():
    supplier = partner()
    customer, _ = care_payer()
    invoice = issue_invoice(customer=customer, supplier=supplier)
    fields = dict(
        partner=supplier, amount=Decimal("1.00"), method="sepa", approved_at=timezone.now()
    )
    Payout.objects.create(invoice=invoice, idempotency_key="a", **fields)
    with pytest.raises(IntegrityError):
        Payout.objects.create(invoice=invoice, idempotency_key="b", **fields)


def test_backoff_grows_and_is_bounded():
    assert payouts.backoff(1) == timedelta(minutes=1)
    assert payouts.backoff(3) == timedelta(minutes=4)
    assert payouts.backoff(30) == timedelta(hours=6)


def test_payout_tasks_are_registered_and_beat_retries_every_ten_minutes(settings):
    from marketplace.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["retry-stale-payouts"]

    assert entry["task"] in app.tasks
    assert "payments.payment_tasks.send_payout_task" in app.tasks
    assert entry["schedule"].minute == set(range(0, 60, 10))
