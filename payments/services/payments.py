"""Collecting money from care organisations: start a Stripe payment, apply what Stripe says,
record a bank transfer by its payment reference, refund. The only code that changes a document's
`amount_paid` and `payment_status` (`_apply_to_document`).

Ledger signs (payments.ledger rows, amount per row):
- payment_received: minus the allocated amount (the care organisation owes the partner less);
- payment_refunded: plus the refunded amount (it owes that again);
- payout_made: minus the amount (what the platform holds for the partner shrinks).
One row per document a payment or refund touches, payer = care organisation, payee = partner.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from marketplace.models import Membership, Role
from marketplace.money import ZERO, quantize_money
from payments import gateway, ledger
from payments.models import (
    FINAL_PAYMENT_STATES,
    AllowanceStatement,
    DocumentKind,
    Invoice,
    LedgerEventKind,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentState,
    PaymentStatus,
    Refund,
)
from payments.numbering import is_valid_payment_reference

logger = logging.getLogger(__name__)

STRIPE_METHODS = (PaymentMethod.CARD, PaymentMethod.SEPA_DEBIT)
IN_FLIGHT_STATES = (PaymentState.PENDING, PaymentState.REQUIRES_ACTION, PaymentState.PROCESSING)

# Stripe's PaymentIntent status → ours. requires_payment_method is "failed" only after an attempt.
_INTENT_STATES = {
    "requires_confirmation": PaymentState.PENDING,
    "requires_action": PaymentState.REQUIRES_ACTION,
    "processing": PaymentState.PROCESSING,
    "requires_capture": PaymentState.PROCESSING,
    "succeeded": PaymentState.SUCCEEDED,
    "canceled": PaymentState.CANCELED,
}


# --- Reading documents -------------------------------------------------------------------------


def document_total_due(document) -> Decimal:
    """What a document asks in all: an invoice's total less its credit notes."""
    if isinstance(document, Invoice):
        credited = document.credit_notes.aggregate(s=Sum("total"))["s"] or ZERO
        return max(ZERO, quantize_money(document.total + credited))
    return document.total


def outstanding(document) -> Decimal:
    return max(ZERO, document_total_due(document) - document.amount_paid)


def may_pay_for(user, customer) -> bool:
    if user.is_staff:
        return True
    return Membership.objects.filter(
        user=user,
        organisation=customer,
        is_active=True,
        role__in=(Role.ADMIN, Role.COORDINATOR),
    ).exists()


def payable_invoices(user):
    """Open invoices (not credit notes) of the care organisations this user may pay for."""
    qs = Invoice.objects.filter(kind=DocumentKind.INVOICE).exclude(
        payment_status=PaymentStatus.PAID
    )
    if user.is_staff:
        return qs
    return qs.filter(
        customer__memberships__user=user,
        customer__memberships__is_active=True,
        customer__memberships__role__in=(Role.ADMIN, Role.COORDINATOR),
    ).distinct()


def payable_statements(user):
    qs = AllowanceStatement.objects.exclude(payment_status=PaymentStatus.PAID)
    if user.is_staff:
        return qs
    return qs.filter(
        customer__memberships__user=user,
        customer__memberships__is_active=True,
        customer__memberships__role__in=(Role.ADMIN, Role.COORDINATOR),
    ).distinct()


def find_by_reference(reference: str):
    digits = "".join(reference.split())
    return (
        Invoice.objects.filter(payment_reference=digits).first()
        or AllowanceStatement.objects.filter(payment_reference=digits).first()
    )


# --- Starting a payment ------------------------------------------------------------------------


class NotOurs(Exception):
    """A Stripe object that no Brugwerk payment started (e.g. made in the Stripe dashboard)."""


@dataclass
class Started:
    payment: Payment
    client_secret: str = ""
    checkout_url: str = ""


def _lock_documents(invoices, statements):
    invoices = list(
        Invoice.objects.select_for_update().filter(pk__in=[d.pk for d in invoices]).order_by("pk")
    )
    statements = list(
        AllowanceStatement.objects.select_for_update()
        .filter(pk__in=[d.pk for d in statements])
        .order_by("pk")
    )
    return invoices, statements


def _create_payment(*, actor, invoices, statements, method: str) -> Payment:
    with transaction.atomic():
        invoices, statements = _lock_documents(invoices, statements)
        documents = [*invoices, *statements]
        if not documents:
            raise DomainError(_("Choose at least one open invoice or statement to pay."))
        customers = {d.customer_id for d in documents}
        if len(customers) != 1:
            raise DomainError(_("You can only pay documents of one care organisation at a time."))
        customer = documents[0].customer
        if not may_pay_for(actor, customer):
            raise PermissionDenied(_("You cannot pay for this organisation."))
        for document in invoices:
            if document.kind != DocumentKind.INVOICE:
                raise DomainError(_("A credit note is not paid."))
        in_flight = PaymentAllocation.objects.filter(
            payment__state__in=IN_FLIGHT_STATES, payment__method__in=STRIPE_METHODS
        )
        allocations = []
        for document in documents:
            due = outstanding(document)
            if due <= 0:
                raise Conflict(
                    _("%(number)s is already paid.") % {"number": document.number},
                    code="already_paid",
                )
            field = "invoice" if isinstance(document, Invoice) else "statement"
            if in_flight.filter(**{field: document}).exists():
                raise Conflict(
                    _("A payment for %(number)s is already in progress.")
                    % {"number": document.number},
                    code="payment_in_progress",
                )
            allocations.append((field, document, due))
        payment = Payment.objects.create(
            customer=customer,
            method=method,
            amount=sum((due for _f, _d, due in allocations), ZERO),
            created_by=actor,
        )
        PaymentAllocation.objects.bulk_create(
            PaymentAllocation(payment=payment, amount=due, **{field: document})
            for field, document, due in allocations
        )
        audit.record(
            actor=actor,
            action="payment.started",
            obj=payment,
            organisation=customer,
            method=method,
            amount=str(payment.amount),
        )
    return payment


def _idempotency_key(payment: Payment, what: str) -> str:
    """Stable for retries of one call, and unique even when a test database restarts its ids
    against the same Stripe account (the creation time is part of it)."""
    return f"brugwerk-{what}-{payment.pk}-{int(payment.created_at.timestamp() * 1000)}"


def _metadata(payment: Payment) -> dict[str, str]:
    return {"brugwerk_payment": str(payment.pk)}


def start_payment(
    *,
    actor,
    invoices=(),
    statements=(),
    method: str,
    payment_method: str | None = None,
    success_url: str = "",
    cancel_url: str = "",
) -> Started:
    """Start paying documents by card or SEPA Direct Debit (a PaymentIntent) or iDEAL (Checkout).

    With `payment_method` (a Stripe PaymentMethod id) the intent is confirmed here; otherwise the
    browser confirms it with Stripe.js using the returned client secret. Without Stripe keys
    (local and demo mode) the payment stays pending and staff mark it (`mark_simulated_paid`).
    """
    if method not in (*STRIPE_METHODS, PaymentMethod.IDEAL):
        raise DomainError(_("Choose card, SEPA Direct Debit or iDEAL."), field="method")
    payment = _create_payment(actor=actor, invoices=invoices, statements=statements, method=method)
    if not settings.STRIPE_SECRET_KEY:
        return Started(payment)
    key = _idempotency_key(payment, "payment")
    try:
        if method == PaymentMethod.IDEAL:
            session = gateway.create_checkout_session(
                amount=payment.amount,
                description=_("Brugwerk payment %(id)s") % {"id": payment.pk},
                success_url=success_url,
                cancel_url=cancel_url,
                metadata=_metadata(payment),
                idempotency_key=key,
            )
            Payment.objects.filter(pk=payment.pk).update(stripe_checkout_session_id=session.id)
            payment.refresh_from_db()
            return Started(payment, checkout_url=session.url)
        intent = gateway.create_payment_intent(
            amount=payment.amount,
            method=method,
            metadata=_metadata(payment),
            payment_method=payment_method,
            idempotency_key=key,
        )
        Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent.id)
        if payment_method:
            try:
                intent = gateway.confirm_payment_intent(intent.id)
            except stripe.CardError as error:
                # A decline: the documents stay open and the payer reads why.
                _fail(payment.pk, error.user_message or str(error))
                intent = gateway.retrieve_payment_intent(intent.id)
        payment = apply_payment_intent(intent)
        return Started(payment, client_secret=intent.client_secret or "")
    except stripe.StripeError as error:
        logger.warning("payment %s: Stripe refused or failed: %s", payment.pk, error)
        _fail(payment.pk, _("The payment could not be started. Please try again later."))
        raise DomainError(
            _("The payment could not be started. Please try again later."), code="stripe_error"
        ) from error


def _fail(payment_pk: int, message: str) -> None:
    Payment.objects.filter(pk=payment_pk).exclude(state__in=FINAL_PAYMENT_STATES).update(
        state=PaymentState.FAILED, failure_message=message[:300], updated_at=timezone.now()
    )


# --- Applying Stripe's state -------------------------------------------------------------------


def apply_payment_intent(intent) -> Payment:
    """Bring our payment in line with a PaymentIntent fetched from Stripe. Safe to repeat: final
    states are never left, and money is applied once (the transition to succeeded)."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update().filter(stripe_payment_intent_id=intent.id).first()
        )
        if payment is None:
            metadata = intent.metadata.to_dict() if intent.metadata else {}
            payment_pk = metadata.get("brugwerk_payment")
            if not (payment_pk and payment_pk.isdigit()):
                raise NotOurs(intent.id)
            payment = Payment.objects.select_for_update().filter(pk=payment_pk).first()
            if payment is None:
                raise NotFound(f"no payment for {intent.id}")
            payment.stripe_payment_intent_id = intent.id
            payment.save(update_fields=["stripe_payment_intent_id", "updated_at"])
        if payment.state in FINAL_PAYMENT_STATES:
            return payment
        if gateway.cents(payment.amount) != intent.amount or intent.currency != "eur":
            raise DomainError(f"payment {payment.pk}: amount differs from {intent.id}")
        status = intent.status
        if status == "requires_payment_method":
            error = intent.last_payment_error
            if error is None:
                return payment  # not tried yet
            payment.state = PaymentState.FAILED
            payment.failure_message = (getattr(error, "message", None) or _("The payment failed."))[
                :300
            ]
        else:
            payment.state = _INTENT_STATES.get(status, payment.state)
        payment.save(update_fields=["state", "failure_message", "updated_at"])
        if payment.state == PaymentState.SUCCEEDED:
            _settle(payment)
        audit.record(
            actor=None,
            action=f"payment.{payment.state}",
            obj=payment,
            organisation=payment.customer,
            stripe=intent.id,
        )
    return payment


def apply_checkout_session(session) -> Payment | None:
    """A Checkout session (iDEAL) completed or failed: follow its PaymentIntent."""
    payment = Payment.objects.filter(stripe_checkout_session_id=session.id).first()
    intent_id = session.payment_intent
    if payment is None or not intent_id:
        return payment
    if not payment.stripe_payment_intent_id:
        Payment.objects.filter(pk=payment.pk, stripe_payment_intent_id__isnull=True).update(
            stripe_payment_intent_id=intent_id
        )
    return apply_payment_intent(gateway.retrieve_payment_intent(intent_id))


def sync_payment(*, payment: Payment) -> Payment:
    """Fetch the payment's state from Stripe now (the pay page's return, staff)."""
    if payment.stripe_payment_intent_id and payment.state not in FINAL_PAYMENT_STATES:
        try:
            intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
        except stripe.StripeError as error:
            logger.warning("payment %s: could not fetch from Stripe: %s", payment.pk, error)
            return payment  # the webhook will bring it in line
        return apply_payment_intent(intent)
    return payment


def client_secret_for(*, payment: Payment) -> str:
    """The PaymentIntent's client secret, for Stripe.js to confirm a payment still in flight."""
    if payment.stripe_payment_intent_id and payment.state in IN_FLIGHT_STATES:
        return gateway.retrieve_payment_intent(payment.stripe_payment_intent_id).client_secret
    return ""


def _settle(payment: Payment) -> None:
    """The money arrived: pay down each allocated document, write the ledger, queue payouts."""
    from payments.services.payouts import create_payout_for

    payment.succeeded_at = timezone.now()
    payment.save(update_fields=["succeeded_at"])
    allocations = list(payment.allocations.all())
    invoices, statements = _lock_documents(
        [a.invoice for a in allocations if a.invoice_id],
        [a.statement for a in allocations if a.statement_id],
    )
    locked = {("invoice", d.pk): d for d in invoices} | {("statement", d.pk): d for d in statements}
    for allocation in allocations:
        key = (
            ("invoice", allocation.invoice_id)
            if allocation.invoice_id
            else (
                "statement",
                allocation.statement_id,
            )
        )
        document = locked[key]
        _apply_to_document(document, allocation.amount)
        ledger.append(
            kind=LedgerEventKind.PAYMENT_RECEIVED,
            amount=-allocation.amount,
            obj=payment,
            payer=payment.customer,
            payee=document.supplier,
            reference=document.number,
            data={"method": payment.method, "document": document._meta.label},
        )
        if document.payment_status == PaymentStatus.PAID:
            create_payout_for(document)


def _apply_to_document(document, delta: Decimal) -> None:
    """Change what was paid on a document by `delta` and derive its payment status."""
    document.amount_paid = quantize_money(document.amount_paid + delta)
    if document.amount_paid < 0:
        raise DomainError(f"{document.number}: paid amount would become negative")
    due = document_total_due(document)
    if document.amount_paid >= due and due > 0:
        document.payment_status = PaymentStatus.PAID
    elif document.amount_paid > 0:
        document.payment_status = PaymentStatus.PARTIALLY_PAID
    else:
        document.payment_status = PaymentStatus.OPEN
    document.save(update_fields=["amount_paid", "payment_status"])


# --- Bank transfers and simulated payments ------------------------------------------------------


def _require_staff(actor) -> None:
    if not (actor and actor.is_authenticated and actor.is_staff):
        raise PermissionDenied(_("Only platform staff can do this."))


def record_bank_transfer(
    *, actor, reference: str, amount: Decimal, bank_reference: str = ""
) -> Payment:
    """Staff (or a bank import) matched an incoming transfer by its payment reference.

    A transfer may be partial; more than what is open is refused (refund the surplus at the bank).
    """
    _require_staff(actor)
    amount = quantize_money(amount)
    if amount <= 0:
        raise DomainError(_("Enter an amount above zero."), field="amount")
    if not is_valid_payment_reference(reference):
        raise DomainError(
            _("This is not a valid payment reference (16 digits with a check digit)."),
            field="reference",
        )
    document = find_by_reference(reference)
    if document is None:
        raise NotFound(_("No invoice or statement has this payment reference."), field="reference")
    field = "invoice" if isinstance(document, Invoice) else "statement"
    with transaction.atomic():
        model = type(document)
        document = model.objects.select_for_update().get(pk=document.pk)
        due = outstanding(document)
        if amount > due:
            raise Conflict(
                _("%(number)s has €%(due)s open; this transfer is €%(amount)s.")
                % {"number": document.number, "due": due, "amount": amount},
                code="more_than_open",
            )
        payment = Payment.objects.create(
            customer=document.customer,
            method=PaymentMethod.BANK_TRANSFER,
            state=PaymentState.SUCCEEDED,
            amount=amount,
            reference=f"{document.payment_reference} {bank_reference}".strip()[:140],
            created_by=actor,
        )
        PaymentAllocation.objects.create(payment=payment, amount=amount, **{field: document})
        _settle(payment)
        audit.record(
            actor=actor,
            action="payment.bank_transfer_recorded",
            obj=payment,
            organisation=document.customer,
            document=document.number,
            amount=str(amount),
        )
    return payment


def mark_simulated_paid(*, actor, payment: Payment) -> Payment:
    """Local and demo mode have no Stripe: staff mark a simulated card payment as paid."""
    _require_staff(actor)
    if settings.STRIPE_SECRET_KEY or payment.stripe_payment_intent_id:
        raise Conflict(_("Only simulated payments can be marked by hand."))
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state not in IN_FLIGHT_STATES:
            raise Conflict(_("This payment is no longer waiting."))
        payment.state = PaymentState.SUCCEEDED
        payment.save(update_fields=["state", "updated_at"])
        _settle(payment)
        audit.record(actor=actor, action="payment.simulated_paid", obj=payment)
    return payment


# --- Refunds -----------------------------------------------------------------------------------


def refund_payment(*, actor, payment: Payment, amount: Decimal, reason: str) -> Refund:
    """Give back (part of) a payment. Never more than was paid and not yet refunded: our own
    guard, checked under the payment's row lock, because not every Stripe stand-in enforces it."""
    from payments.services.payouts import cancel_pending_payout_for

    _require_staff(actor)
    amount = quantize_money(amount)
    if amount <= 0:
        raise DomainError(_("Enter an amount above zero."), field="amount")
    if not reason.strip():
        raise DomainError(_("Give a reason for the refund."), field="reason")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state != PaymentState.SUCCEEDED:
            raise Conflict(_("Only a completed payment can be refunded."))
        refundable = payment.amount - payment.amount_refunded
        if amount > refundable:
            raise Conflict(
                _("At most €%(refundable)s of this payment can still be refunded.")
                % {"refundable": refundable},
                code="over_refund",
            )
        allocations = list(payment.allocations.select_for_update().order_by("-pk"))
        for allocation in allocations:
            payout = getattr(allocation.document, "payout", None)
            if payout is not None and payout.state in ("sent", "paid"):
                raise Conflict(
                    _("The partner has already been paid for %(number)s; settle this by hand.")
                    % {"number": allocation.document.number},
                    code="already_paid_out",
                )
        stripe_refund_id = None
        if payment.stripe_payment_intent_id:
            count = payment.refunds.count()
            stripe_refund = gateway.refund_payment_intent(
                payment.stripe_payment_intent_id,
                amount=amount,
                idempotency_key=_idempotency_key(payment, f"refund-{count + 1}"),
            )
            stripe_refund_id = stripe_refund.id
        refund = Refund.objects.create(
            payment=payment,
            amount=amount,
            reason=reason.strip()[:300],
            stripe_refund_id=stripe_refund_id,
            created_by=actor,
        )
        payment.amount_refunded += amount
        payment.save(update_fields=["amount_refunded", "updated_at"])
        left = amount
        for allocation in allocations:
            take = min(left, allocation.amount - allocation.amount_refunded)
            if take <= 0:
                continue
            allocation.amount_refunded += take
            allocation.save(update_fields=["amount_refunded"])
            document = (
                type(allocation.document).objects.select_for_update().get(pk=allocation.document.pk)
            )
            _apply_to_document(document, -take)
            cancel_pending_payout_for(document)
            ledger.append(
                kind=LedgerEventKind.PAYMENT_REFUNDED,
                amount=take,
                obj=refund,
                payer=payment.customer,
                payee=document.supplier,
                reference=document.number,
                data={"payment": payment.pk},
            )
            left -= take
            if left <= 0:
                break
        audit.record(
            actor=actor,
            action="payment.refunded",
            obj=payment,
            organisation=payment.customer,
            amount=str(amount),
        )
    return refund
