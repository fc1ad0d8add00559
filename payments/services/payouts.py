"""Paying partners their share: a payout per fully paid document, the whole amount (no fee).

Lifecycle: pending → sent → paid, or → failed. Connect payouts are sent by a Celery task that
first claims the payout with a conditional update (one sender at a time), then transfers to the
partner's Stripe account and pays it out to their bank, each call with its own idempotency key,
so a retry after a crash or a network error never moves money twice. SEPA payouts are sent by
putting them in a pain.001 batch file that the platform uploads to its bank.
"""

import logging
import uuid
from datetime import date, timedelta

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.notifications import queue_email
from payments import gateway, ledger
from payments.models import (
    BilledTimeEntry,
    Invoice,
    LedgerEventKind,
    PartnerPayoutAccount,
    Payout,
    PayoutMethod,
    PayoutState,
    SepaBatch,
    SepaBatchState,
)

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 300


class TransientPayoutError(Exception):
    """Stripe could not be reached; the payout stays pending and is retried later."""


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _approved_at(document):
    """When the last hours on the document were approved (fallback: when it was issued)."""
    filters = (
        Q(invoice_line__invoice=document)
        if isinstance(document, Invoice)
        else Q(statement=document)
    )
    latest = BilledTimeEntry.objects.filter(filters).aggregate(at=Max("time_entry__decided_at"))[
        "at"
    ]
    return latest or document.created_at


def create_payout_for(document) -> Payout:
    """Called (inside the paying transaction) when a document becomes fully paid. Idempotent."""
    field = "invoice" if isinstance(document, Invoice) else "statement"
    existing = Payout.objects.filter(**{field: document}).first()
    if existing is not None:
        if existing.state == PayoutState.FAILED and existing.last_error == "refunded":
            # Paid again after a refund: the same payout goes back in line.
            Payout.objects.filter(pk=existing.pk).update(
                state=PayoutState.PENDING, last_error="", next_attempt_at=None
            )
            existing.refresh_from_db()
            _queue_send(existing)
        return existing
    account = PartnerPayoutAccount.objects.filter(partner=document.supplier).first()
    connect = (
        settings.STRIPE_CONNECT_ENABLED
        and account is not None
        and account.method == PayoutMethod.CONNECT
        and account.connect_ready
        and account.stripe_account_id
    )
    payout = Payout.objects.create(
        partner=document.supplier,
        amount=document.amount_paid,
        method=PayoutMethod.CONNECT if connect else PayoutMethod.SEPA,
        # Stored, so every retry sends the same key; the random part keeps keys unique when a
        # (test) database restarts its ids against the same Stripe account.
        idempotency_key=f"brugwerk-payout-{field}-{document.pk}-{uuid.uuid4().hex[:12]}",
        approved_at=_approved_at(document),
        **{field: document},
    )
    audit.record(actor=None, action="payout.created", obj=payout, amount=str(payout.amount))
    _queue_send(payout)
    return payout


def _queue_send(payout: Payout) -> None:
    if payout.method != PayoutMethod.CONNECT:
        return
    from payments.payment_tasks import send_payout_task

    transaction.on_commit(lambda: send_payout_task.delay(payout.pk))


def cancel_pending_payout_for(document) -> None:
    """A refund made the document not fully paid: a payout not yet sent must not go out."""
    field = "invoice" if isinstance(document, Invoice) else "statement"
    Payout.objects.filter(**{field: document}, state=PayoutState.PENDING).update(
        state=PayoutState.FAILED, last_error="refunded", claimed_until=None
    )


def claim(payout_id: int, *, now=None) -> Payout | None:
    """Take a pending Connect payout for one send attempt; None if someone else has it or it is
    not due. The conditional update is the lock: two workers never both get 1 row."""
    now = now or timezone.now()
    claimed = (
        Payout.objects.filter(pk=payout_id)
        .due(now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    )
    return Payout.objects.get(pk=payout_id) if claimed == 1 else None


def send_payout(payout_id: int, *, now=None) -> Payout:
    """Send one Connect payout. Raises TransientPayoutError when it should be retried."""
    payout = claim(payout_id, now=now)
    if payout is None:
        return Payout.objects.get(pk=payout_id)
    account = PartnerPayoutAccount.objects.get(partner=payout.partner)
    metadata = {"brugwerk_payout": str(payout.pk)}
    try:
        if not payout.stripe_transfer_id:
            transfer = gateway.create_transfer(
                amount=payout.amount,
                destination=account.stripe_account_id,
                transfer_group=f"payout-{payout.pk}",
                metadata=metadata,
                idempotency_key=f"{payout.idempotency_key}-transfer",
            )
            Payout.objects.filter(pk=payout.pk).update(stripe_transfer_id=transfer.id)
            payout.stripe_transfer_id = transfer.id
        if not payout.stripe_payout_id:
            bank_payout = gateway.create_connected_payout(
                amount=payout.amount,
                account_id=account.stripe_account_id,
                metadata=metadata,
                idempotency_key=f"{payout.idempotency_key}-payout",
            )
            Payout.objects.filter(pk=payout.pk).update(stripe_payout_id=bank_payout.id)
    except stripe.StripeError as error:
        if gateway.is_transient(error):
            return _retry_later(payout, str(error))
        return mark_failed(payout=payout, error=str(error))
    return _transition(
        payout, PayoutState.PENDING, PayoutState.SENT, sent_at=timezone.now(), claimed_until=None
    )


def send_due_payouts(*, now=None, limit: int = 100) -> int:
    """Send pending Connect payouts that are due (their task was lost, or a retry is due)."""
    now = now or timezone.now()
    due = Payout.objects.due(now).order_by("pk").values_list("pk", flat=True)[:limit]
    sent = 0
    for payout_id in list(due):
        try:
            if send_payout(payout_id, now=now).state == PayoutState.SENT:
                sent += 1
        except TransientPayoutError:
            break  # Stripe is down: the next run tries again
    return sent


def _retry_later(payout: Payout, error: str) -> Payout:
    payout.refresh_from_db()
    if payout.attempts >= settings.PAYOUT_MAX_RETRIES:
        return mark_failed(payout=payout, error=error)
    Payout.objects.filter(pk=payout.pk, state=PayoutState.PENDING).update(
        next_attempt_at=timezone.now() + backoff(payout.attempts),
        claimed_until=None,
        last_error=error[:500],
    )
    logger.warning("payout %s: Stripe unreachable, retrying later", payout.pk)
    raise TransientPayoutError(error)


def _transition(payout: Payout, old: str, new: str, **fields) -> Payout:
    changed = Payout.objects.filter(pk=payout.pk, state=old).update(state=new, **fields)
    payout.refresh_from_db()
    if changed != 1:
        raise Conflict(_("This payout is no longer %(state)s.") % {"state": old})
    audit.record(actor=None, action=f"payout.{new}", obj=payout)
    return payout


def mark_failed(*, payout: Payout, error: str) -> Payout:
    Payout.objects.filter(pk=payout.pk, state__in=(PayoutState.PENDING, PayoutState.SENT)).update(
        state=PayoutState.FAILED, last_error=error[:500], claimed_until=None
    )
    payout.refresh_from_db()
    audit.record(actor=None, action="payout.failed", obj=payout)
    return payout


def mark_paid(*, payout: Payout, paid_at=None) -> Payout:
    """The money reached the partner: record the days from approval, the ledger row, e-mail."""
    paid_at = paid_at or timezone.now()
    days = max(0, (paid_at - payout.approved_at).days)
    with transaction.atomic():
        changed = Payout.objects.filter(pk=payout.pk, state=PayoutState.SENT).update(
            state=PayoutState.PAID, paid_at=paid_at, days_to_payout=days
        )
        payout.refresh_from_db()
        if changed != 1:
            return payout  # already paid (a repeated event) or not sent
        document = payout.document
        ledger.append(
            kind=LedgerEventKind.PAYOUT_MADE,
            amount=-payout.amount,
            obj=payout,
            payer=document.customer,
            payee=payout.partner,
            reference=document.number,
            data={"method": payout.method, "days_to_payout": days},
        )
        audit.record(actor=None, action="payout.paid", obj=payout, days=days)
        _email_partner(payout)
    return payout


def _email_partner(payout: Payout) -> None:
    partner = payout.partner
    to, language = partner.contact()
    if not to:
        return
    queue_email(
        to=to,
        template="payout_paid",
        context={
            "partner": partner.display_name,
            "amount": str(payout.amount),
            "document": payout.document.number,
            "days": payout.days_to_payout,
            "url": settings.SITE_URL + reverse("money:my_payouts"),
        },
        language=language,
    )


def apply_stripe_payout(bank_payout, *, paid_at=None) -> Payout | None:
    """A connected account's payout changed (re-fetched from Stripe by the webhook)."""
    payout = Payout.objects.filter(stripe_payout_id=bank_payout.id).first()
    if payout is None:
        return None
    if bank_payout.status == "paid":
        if payout.state == PayoutState.PENDING:
            # The webhook can beat our own bookkeeping after a crash between call and update.
            Payout.objects.filter(pk=payout.pk, state=PayoutState.PENDING).update(
                state=PayoutState.SENT, sent_at=timezone.now()
            )
            payout.refresh_from_db()
        return mark_paid(payout=payout, paid_at=paid_at)
    if bank_payout.status in ("failed", "canceled"):
        return mark_failed(payout=payout, error=bank_payout.failure_message or bank_payout.status)
    return payout


def apply_connect_account(account) -> None:
    """Onboarding finished (or was revoked): whether transfers and payouts can go there."""
    ready = bool(account.details_submitted and account.payouts_enabled)
    PartnerPayoutAccount.objects.filter(stripe_account_id=account.id).update(connect_ready=ready)


# --- Connect onboarding ------------------------------------------------------------------------


def start_connect_onboarding(*, actor, partner, refresh_url: str, return_url: str) -> str:
    """Create (once) the partner's Stripe account and return a one-time onboarding link."""
    from partners.models import PartnerProfile

    if not PartnerProfile.objects.managed_by(actor).filter(pk=partner.pk).exists():
        raise PermissionDenied(_("You cannot manage payouts of this partner."))
    if not settings.STRIPE_CONNECT_ENABLED:
        raise Conflict(_("Payouts to a Stripe account are not offered yet."))
    with transaction.atomic():
        account, _created = PartnerPayoutAccount.objects.select_for_update().get_or_create(
            partner=partner
        )
        if not account.stripe_account_id:
            stripe_account = gateway.create_connect_account(
                email=actor.email,
                idempotency_key=f"brugwerk-connect-{partner.pk}-{account.pk}",
            )
            account.stripe_account_id = stripe_account.id
            account.method = PayoutMethod.CONNECT
            account.save(update_fields=["stripe_account_id", "method", "updated_at"])
        audit.record(actor=actor, action="payout_account.connect_started", obj=account)
    link = gateway.create_account_link(
        account_id=account.stripe_account_id, refresh_url=refresh_url, return_url=return_url
    )
    return link.url


def refresh_connect_account(*, actor, partner) -> PartnerPayoutAccount | None:
    account = PartnerPayoutAccount.objects.filter(partner=partner).first()
    if account is None or not account.stripe_account_id:
        return account
    apply_connect_account(gateway.retrieve_account(account.stripe_account_id))
    account.refresh_from_db()
    return account


# --- SEPA batches ------------------------------------------------------------------------------


def create_sepa_batch(*, actor, execution_date: date | None = None) -> SepaBatch:
    """Put every pending SEPA payout in one pain.001.001.09 file (validated) and mark them sent."""
    from payments.sepa import build_credit_transfer

    if not (actor and actor.is_staff):
        raise PermissionDenied(_("Only platform staff can do this."))
    execution_date = execution_date or timezone.localdate() + timedelta(days=1)
    with transaction.atomic():
        payouts = list(
            Payout.objects.select_for_update(of=("self",))
            .filter(state=PayoutState.PENDING, method=PayoutMethod.SEPA)
            .select_related("partner", "invoice", "statement")
            .order_by("pk")
        )
        if not payouts:
            raise Conflict(_("No payouts are waiting for a bank transfer."), code="nothing_to_pay")
        accounts = {
            a.partner_id: a
            for a in PartnerPayoutAccount.objects.filter(partner__in=[p.partner for p in payouts])
        }
        ready, missing = [], []
        for payout in payouts:
            account = accounts.get(payout.partner_id)
            iban = (account.iban if account else "") or payout.partner.iban
            (ready if iban else missing).append((payout, account, iban))
        if not ready:
            raise DomainError(_("None of the waiting partners has an IBAN yet."), code="no_iban")
        batch_xml, message_id, control_sum = build_credit_transfer(
            ready, execution_date=execution_date
        )
        batch = SepaBatch.objects.create(
            message_id=message_id,
            debtor_name=settings.PLATFORM_SEPA_NAME,
            debtor_iban=settings.PLATFORM_SEPA_IBAN,
            debtor_bic=settings.PLATFORM_SEPA_BIC,
            execution_date=execution_date,
            number_of_transactions=len(ready),
            control_sum=control_sum,
            xml=batch_xml,
            created_by=actor,
        )
        now = timezone.now()
        Payout.objects.filter(
            pk__in=[p.pk for p, _a, _i in ready], state=PayoutState.PENDING
        ).update(state=PayoutState.SENT, sepa_batch=batch, sent_at=now)
        audit.record(
            actor=actor,
            action="sepa_batch.created",
            obj=batch,
            payouts=len(ready),
            skipped_without_iban=len(missing),
        )
    return batch


def mark_batch_executed(*, actor, batch: SepaBatch) -> SepaBatch:
    """The bank executed the file: every payout in it is paid."""
    if not (actor and actor.is_staff):
        raise PermissionDenied(_("Only platform staff can do this."))
    with transaction.atomic():
        changed = SepaBatch.objects.filter(pk=batch.pk, state=SepaBatchState.EXPORTED).update(
            state=SepaBatchState.EXECUTED, executed_at=timezone.now()
        )
        if changed != 1:
            raise Conflict(_("This batch was already marked as executed."))
        for payout in batch.payouts.filter(state=PayoutState.SENT).order_by("pk"):
            mark_paid(payout=payout)
        audit.record(actor=actor, action="sepa_batch.executed", obj=batch)
    batch.refresh_from_db()
    return batch
