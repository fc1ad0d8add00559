from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from payments.models import Payment, PaymentAllocation, StripeEvent
from tests.payments.money_factories import care_payer, issue_invoice, issue_statement, partner

pytestmark = pytest.mark.django_db


def test_refunded_never_exceeds_the_payment():
    customer, _ = care_payer()
    payment = Payment.objects.create(customer=customer, method="card", amount=Decimal("10.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(amount_refunded=Decimal("10.01"))


def test_allocation_points_at_exactly_one_document():
    customer, _ = care_payer()
    supplier = partner()
    payment = Payment.objects.create(customer=customer, method="card", amount=Decimal("10.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentAllocation.objects.create(
            payment=payment,
            amount=Decimal("10.00"),
            invoice=issue_invoice(customer=customer, supplier=supplier),
            statement=issue_statement(customer=customer, supplier=supplier),
        )


def test_a_stripe_event_is_stored_once():
    StripeEvent.objects.create(event_id="evt_1", type="payment_intent.succeeded")
    with pytest.raises(IntegrityError), transaction.atomic():
        StripeEvent.objects.create(event_id="evt_1", type="payment_intent.succeeded")
