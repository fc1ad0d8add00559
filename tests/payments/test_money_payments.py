"""Collecting money with localstripe as a real Stripe stand-in."""

import time
from decimal import Decimal

import pytest

from marketplace.errors import Conflict, PermissionDenied
from payments import ledger
from payments.models import LedgerEntry, PaymentState, PaymentStatus, Payout
from payments.services import payments as services
from tests.factories import UserFactory
from tests.payments.conftest import card, sepa_debit
from tests.payments.money_factories import care_payer, issue_invoice, issue_statement, partner

pytestmark = pytest.mark.django_db


def test_card_payment_pays_invoice_and_creates_payout(stripe_settings):
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())

    started = services.start_payment(
        actor=coordinator,
        invoices=[invoice],
        method="card",
        payment_method=card("4242424242424242"),
    )

    invoice.refresh_from_db()
    assert started.payment.state == PaymentState.SUCCEEDED
    assert invoice.payment_status == PaymentStatus.PAID
    assert invoice.amount_paid == Decimal("100.00")
    payout = Payout.objects.get(invoice=invoice)
    assert payout.amount == Decimal("100.00") and payout.state == "pending"
    entry = LedgerEntry.objects.get(kind="payment_received")
    assert entry.amount == Decimal("-100.00")
    assert ledger.verify().ok


def test_declined_card_leaves_invoice_open_with_message(stripe_settings):
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())

    started = services.start_payment(
        actor=coordinator,
        invoices=[invoice],
        method="card",
        payment_method=card("4000000000000341"),
    )

    invoice.refresh_from_db()
    assert started.payment.state == PaymentState.FAILED
    assert "declined" in started.payment.failure_message
    assert invoice.payment_status == PaymentStatus.OPEN
    assert not Payout.objects.exists()


def test_card_needing_authentication_waits_for_the_payer(stripe_settings):
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())

    started = services.start_payment(
        actor=coordinator,
        invoices=[invoice],
        method="card",
        payment_method=card("4000002500003155"),
    )

    assert started.payment.state == PaymentState.REQUIRES_ACTION
    assert started.client_secret


def test_sepa_failure_arrives_later_and_marks_payment_failed(stripe_settings):
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())
    started = services.start_payment(
        actor=coordinator,
        invoices=[invoice],
        method="sepa_debit",
        payment_method=sepa_debit("DE62370400440532013001"),
    )
    assert started.payment.state == PaymentState.PROCESSING

    deadline = time.monotonic() + 10
    payment = started.payment
    while payment.state == PaymentState.PROCESSING and time.monotonic() < deadline:
        time.sleep(0.3)
        payment = services.sync_payment(payment=payment)

    invoice.refresh_from_db()
    assert payment.state == PaymentState.FAILED
    assert invoice.payment_status == PaymentStatus.OPEN


def test_batch_of_invoice_and_statement_paid_at_once(stripe_settings):
    customer, coordinator = care_payer()
    supplier = partner()
    invoice = issue_invoice(customer=customer, supplier=supplier)
    statement = issue_statement(customer=customer, supplier=supplier)

    started = services.start_payment(
        actor=coordinator,
        invoices=[invoice],
        statements=[statement],
        method="card",
        payment_method=card("4242424242424242"),
    )

    assert started.payment.amount == Decimal("140.00")
    statement.refresh_from_db()
    assert statement.payment_status == PaymentStatus.PAID
    assert Payout.objects.count() == 2


def test_another_organisation_cannot_pay_or_list(stripe_settings):
    customer, _coordinator = care_payer()
    _other, outsider = care_payer(name="Andere Zorg")
    invoice = issue_invoice(customer=customer, supplier=partner())

    with pytest.raises(PermissionDenied):
        services.start_payment(actor=outsider, invoices=[invoice], method="card")
    assert not services.payable_invoices(outsider).filter(pk=invoice.pk).exists()


def test_bank_transfer_partial_then_full_and_refund_guard(stripe_settings):
    customer, _ = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())
    staff = UserFactory(is_staff=True)

    services.record_bank_transfer(
        actor=staff, reference=invoice.payment_reference, amount=Decimal("30.00")
    )
    invoice.refresh_from_db()
    assert invoice.payment_status == PaymentStatus.PARTIALLY_PAID
    with pytest.raises(Conflict):
        services.record_bank_transfer(
            actor=staff, reference=invoice.payment_reference, amount=Decimal("80.00")
        )
    last = services.record_bank_transfer(
        actor=staff, reference=invoice.payment_reference, amount=Decimal("70.00")
    )
    invoice.refresh_from_db()
    assert invoice.payment_status == PaymentStatus.PAID

    with pytest.raises(Conflict):
        services.refund_payment(actor=staff, payment=last, amount=Decimal("70.01"), reason="x")
    services.refund_payment(actor=staff, payment=last, amount=Decimal("20.00"), reason="te veel")
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("80.00")
    assert invoice.payment_status == PaymentStatus.PARTIALLY_PAID
    assert Payout.objects.get(invoice=invoice).state == "failed"  # not sent: held back
    assert ledger.verify().ok


def test_card_refund_through_stripe_never_more_than_paid(stripe_settings):
    customer, coordinator = care_payer()
    invoice = issue_invoice(customer=customer, supplier=partner())
    payment = services.start_payment(
        actor=coordinator,
        invoices=[invoice],
        method="card",
        payment_method=card("4242424242424242"),
    ).payment
    staff = UserFactory(is_staff=True)

    refund = services.refund_payment(
        actor=staff, payment=payment, amount=Decimal("100.00"), reason="dubbel"
    )

    assert refund.stripe_refund_id.startswith("re_")
    with pytest.raises(Conflict):
        services.refund_payment(actor=staff, payment=payment, amount=Decimal("0.01"), reason="x")
