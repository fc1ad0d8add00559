"""Writes for invoices and credit notes, issued by Brugwerk on behalf of the partner (self-billing).

    approved time entries (invoice_person / invoice_org) ──month end or on demand──▶ Invoice
    Invoice ──credit──▶ credit note (negative copy) + the entries released for billing again

One invoice per supplier, customer and calendar month. Each invoice is issued in its own
transaction: its entries are locked, its number is taken from the supplier's locked counter row
(gapless; a rolled-back issue gives the number back), the parties are copied as a snapshot, every
entry is marked billed (a partial unique constraint lets an entry be billed once at a time), a
ledger row is appended, and the PDF is rendered by a Celery task after the commit.

Which engagements are invoiced: `invoice_person` (the key person invoices as a freelancer) and
`invoice_org` (the MZO invoices; for a key person it dispatches, the MZO's own profile is the
supplier). `allowance` gets monthly allowance statements instead, and `reimbursement` pays actual
costs against receipts: neither is a supply of services with hours × rate, so neither is invoiced.

Lines: one per engagement and activity (hours × the agreed rate), as a Dutch bookkeeper reads a
periodic invoice; each line is rounded once, VAT once over the subtotal (one rate per invoice).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.models import Engagement, Organisation, Role, TimeEntry, TimeEntryStatus
from marketplace.money import ZERO, quantize_money
from marketplace.permissions import ensure_role, is_authenticated
from partners.models import CompensationMode, PartnerKind, PartnerProfile, VatCode
from payments import ledger, numbering
from payments.models import (
    BilledTimeEntry,
    DocumentKind,
    Invoice,
    InvoiceLine,
    LedgerEventKind,
)
from payments.months import month_bounds
from payments.spend import record_spend

logger = logging.getLogger(__name__)

INVOICED_MODES = (CompensationMode.INVOICE_PERSON, CompensationMode.INVOICE_ORG)
REFERENCE_KIND_INVOICE = 1
VAT_RATES = {
    VatCode.STANDARD_21: Decimal("21.00"),
    VatCode.EXEMPT: Decimal("0.00"),
    VatCode.KOR: Decimal("0.00"),
}
# Printed on the (Dutch) document itself, whatever language the reader's screen is in.
SELF_BILLING_TEXT = "Factuur uitgereikt door afnemer"
DEFAULT_EXEMPT_NOTE = "Vrijgesteld van btw (art. 11 Wet op de omzetbelasting 1968)"
KOR_NOTE = "Vrijgesteld van btw: kleineondernemersregeling (KOR), art. 25 Wet OB 1968"
CREDIT_REASON_MAX = 500
# Invoices per transaction in the month-end run (each in its own savepoint).
MONTH_END_BATCH = 50
DEADLOCK_DETECTED = "40P01"


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(*month_bounds(year, month, field="period"))


@dataclass
class IssueRun:
    issued: list[Invoice] = field(default_factory=list)
    # (supplier id, customer id, reason) of groups that could not be invoiced.
    skipped: list[tuple[int, int, str]] = field(default_factory=list)


# --- reads ------------------------------------------------------------------------------------


def _active_billing():
    return BilledTimeEntry.objects.filter(time_entry=OuterRef("pk"), released_at__isnull=True)


def _approved_in(period: Period):
    return TimeEntry.objects.filter(
        status=TimeEntryStatus.APPROVED,
        work_date__gte=period.start,
        work_date__lte=period.end,
        engagement__compensation_mode__in=INVOICED_MODES,
    )


def billable_entries(period: Period):
    """Approved, invoiced-mode entries in the period that no document bills at the moment."""
    return _approved_in(period).filter(~Exists(_active_billing()))


def _supplier_ids_for(partner_rows) -> dict[tuple[int, str], int]:
    """Who issues for an engagement's partner: the partner, or for a dispatched key person with
    `invoice_org`, the MZO that dispatches them."""
    mzo_orgs = {
        org for _partner, org, mode in partner_rows if mode == CompensationMode.INVOICE_ORG and org
    }
    mzo_profile = dict(
        PartnerProfile.objects.filter(kind=PartnerKind.MZO, organisation__in=mzo_orgs).values_list(
            "organisation_id", "pk"
        )
    )
    result = {}
    for partner_id, org_id, mode in partner_rows:
        supplier = partner_id
        if mode == CompensationMode.INVOICE_ORG and org_id and org_id in mzo_profile:
            supplier = mzo_profile[org_id]
        result[(partner_id, mode)] = supplier
    return result


def _engagements_with_billable_entries(period: Period, customer_id: int | None = None) -> list:
    """Engagements with more approved entries in the period than active billings.

    Two grouped counts rather than an anti-join: billings grow by the thousand during a run,
    and a plan made on the statistics of the run's start would scan them all per row."""
    approved = _approved_in(period)
    billed = BilledTimeEntry.objects.filter(
        released_at__isnull=True,
        time_entry__status=TimeEntryStatus.APPROVED,
        time_entry__work_date__gte=period.start,
        time_entry__work_date__lte=period.end,
        time_entry__engagement__compensation_mode__in=INVOICED_MODES,
    )
    if customer_id is not None:
        approved = approved.filter(engagement__organisation_id=customer_id)
        billed = billed.filter(time_entry__engagement__organisation_id=customer_id)
    approved_counts = approved.values("engagement_id").annotate(n=Count("pk")).order_by()
    billed_counts = dict(
        billed.values("time_entry__engagement_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("time_entry__engagement_id", "n")
    )
    return [
        row["engagement_id"]
        for row in approved_counts
        if row["n"] > billed_counts.get(row["engagement_id"], 0)
    ]


def _groups(period: Period, customer_id: int | None = None) -> dict[tuple[int, int], list[int]]:
    """(supplier id, customer id) → the engagement ids whose entries go on that invoice."""
    rows = list(
        Engagement.objects.filter(
            pk__in=_engagements_with_billable_entries(period, customer_id)
        ).values_list(
            "pk",
            "partner_id",
            "partner__organisation_id",
            "partner__kind",
            "compensation_mode",
            "organisation_id",
        )
    )
    partner_rows = {
        (partner, org if kind == PartnerKind.KEY_PERSON else None, mode)
        for _engagement, partner, org, kind, mode, _customer in rows
    }
    suppliers = _supplier_ids_for(partner_rows)
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for engagement, partner, _org, _kind, mode, customer in rows:
        groups[(suppliers[(partner, mode)], customer)].append(engagement)
    return groups


# --- snapshot helpers -------------------------------------------------------------------------


def _address(street: str, postcode: str, city: str) -> str:
    place = " ".join(part for part in (postcode, city) if part)
    return ", ".join(part for part in (street, place) if part)


def _supplier_snapshot(supplier: PartnerProfile) -> dict:
    org = supplier.organisation if supplier.kind == PartnerKind.MZO else None
    address = _address(supplier.street, supplier.postcode, supplier.city)
    if not address and org is not None:
        address = _address(org.street, org.postcode, org.city)
    if not address:
        raise DomainError(
            _("%(name)s has no address: an invoice needs the supplier's address.")
            % {"name": supplier.display_name},
            code="supplier_incomplete",
        )
    if not supplier.vat_code:
        raise DomainError(
            _("%(name)s has not chosen a VAT code (21%%, exempt or KOR).")
            % {"name": supplier.display_name},
            code="supplier_incomplete",
        )
    if supplier.vat_code == VatCode.STANDARD_21 and not supplier.vat_id:
        raise DomainError(
            _("%(name)s charges VAT but has no VAT id.") % {"name": supplier.display_name},
            code="supplier_incomplete",
        )
    note = ""
    if supplier.vat_code == VatCode.EXEMPT:
        note = supplier.vat_exemption_reason or DEFAULT_EXEMPT_NOTE
    elif supplier.vat_code == VatCode.KOR:
        note = KOR_NOTE
    return {
        "supplier_name": (org.name if org is not None else supplier.display_name)[:200],
        "supplier_address": address[:300],
        "supplier_kvk": supplier.kvk_number or (org.kvk_number if org is not None else ""),
        "supplier_vat_id": supplier.vat_id,
        "supplier_iban": supplier.iban,
        "vat_code": supplier.vat_code,
        "vat_rate": VAT_RATES[supplier.vat_code],
        "vat_note": note[:300],
    }


def _customer_snapshot(customer: Organisation) -> dict:
    address = _address(customer.street, customer.postcode, customer.city)
    if not address:
        raise DomainError(
            _("%(name)s has no address: an invoice needs the customer's address.")
            % {"name": customer.name},
            code="customer_incomplete",
        )
    return {
        "customer_name": customer.name,
        "customer_address": address[:300],
        "customer_kvk": customer.kvk_number,
    }


def _reserve_invoice_id() -> int | None:
    """The id the next invoice gets, so its payment reference is written with it in one insert
    (issued rows never change). Only PostgreSQL hands out ids ahead."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('payments_invoice', 'id'))")
        return cursor.fetchone()[0]


def _insert_invoice(invoice: Invoice) -> Invoice:
    invoice.pk = _reserve_invoice_id()
    if invoice.pk is not None:
        invoice.payment_reference = numbering.payment_reference(REFERENCE_KIND_INVOICE, invoice.pk)
        invoice.save(force_insert=True)
    else:
        # Elsewhere (SQLite, no triggers): insert with a placeholder, then set the reference.
        invoice.payment_reference = f"pending-{invoice.series}-{invoice.sequence}"[:35]
        invoice.save(force_insert=True)
        invoice.payment_reference = numbering.payment_reference(REFERENCE_KIND_INVOICE, invoice.pk)
        models.QuerySet.update(
            Invoice.objects.filter(pk=invoice.pk), payment_reference=invoice.payment_reference
        )
    return invoice


def series_for(supplier_id: int, year: int) -> str:
    return f"invoice:{supplier_id}:{year}"


def _queue_pdf(invoice_id: int) -> None:
    from payments.tasks import render_invoice_pdf_task

    transaction.on_commit(lambda: render_invoice_pdf_task.delay(invoice_id))


# --- issuing ----------------------------------------------------------------------------------


def _issue_group(
    *,
    supplier_id: int,
    customer_id: int,
    engagement_ids: list[int],
    period: Period,
    actor,
    queue_pdf: bool = True,
) -> Invoice | None:
    """One invoice in one transaction; None when nothing is left to bill (e.g. a parallel run)."""
    with transaction.atomic():
        entries = list(
            _approved_in(period)
            .filter(engagement_id__in=engagement_ids, engagement__organisation_id=customer_id)
            .select_related("engagement", "activity")
            .order_by("engagement_id", "activity_id", "work_date", "pk")
            .select_for_update(of=("self",))
        )
        # Billed ones are left out after locking, by the partial unique index on active
        # billings: as one query per invoice this stays an index look-up while the table grows
        # during the run (an anti-join planned on the run's start statistics would not).
        billed = set(
            BilledTimeEntry.objects.filter(
                time_entry__in=[entry.pk for entry in entries], released_at__isnull=True
            ).values_list("time_entry_id", flat=True)
        )
        entries = [entry for entry in entries if entry.pk not in billed]
        if not entries:
            return None
        supplier = PartnerProfile.objects.select_related("organisation").get(pk=supplier_id)
        customer = Organisation.objects.get(pk=customer_id)
        snapshot = _supplier_snapshot(supplier) | _customer_snapshot(customer)

        lines: dict[tuple[int, int], list[TimeEntry]] = defaultdict(list)
        for entry in entries:
            lines[(entry.engagement_id, entry.activity_id)].append(entry)
        line_objects: dict[tuple[int, int], InvoiceLine] = {}
        subtotal = ZERO
        for position, (key, group) in enumerate(lines.items(), start=1):
            first = group[0]
            hours = sum((e.hours for e in group), Decimal("0"))
            rate = first.engagement.hourly_rate
            amount = quantize_money(hours * rate)
            subtotal += amount
            days = sorted({e.work_date for e in group})
            line_objects[key] = InvoiceLine(
                position=position,
                engagement_id=first.engagement_id,
                description=_line_description(first, days),
                service_date=days[0] if len(days) == 1 else None,
                quantity=hours,
                unit_price=rate,
                amount=amount,
            )
        vat_amount = quantize_money(subtotal * snapshot["vat_rate"] / 100)
        today = timezone.localdate()
        sequence = numbering.next_number(series_for(supplier.pk, today.year))
        invoice = _insert_invoice(
            Invoice(
                kind=DocumentKind.INVOICE,
                number=numbering.formatted(today.year, sequence),
                series=series_for(supplier.pk, today.year),
                sequence=sequence,
                customer=customer,
                supplier=supplier,
                issue_date=today,
                due_date=today + timedelta(days=settings.PAYMENT_TERM_DAYS),
                period_start=period.start,
                period_end=period.end,
                subtotal=subtotal,
                vat_amount=vat_amount,
                total=subtotal + vat_amount,
                issued_by=actor if is_authenticated(actor) else None,
                **snapshot,
            )
        )
        for line in line_objects.values():
            line.invoice = invoice
        # PostgreSQL and SQLite return the new pks from a bulk insert.
        InvoiceLine.objects.bulk_create(line_objects.values())
        BilledTimeEntry.objects.bulk_create(
            [
                BilledTimeEntry.of(
                    entry,
                    invoice_line=line_objects[(entry.engagement_id, entry.activity_id)],
                    amount=quantize_money(entry.hours * entry.engagement.hourly_rate),
                )
                for entry in entries
            ]
        )
        record_spend(invoice)
        ledger.append(
            kind=LedgerEventKind.INVOICE_ISSUED,
            amount=invoice.total,
            obj=invoice,
            payer=customer,
            payee=supplier,
            reference=invoice.number,
            data={"subtotal": invoice.subtotal, "vat": invoice.vat_amount, "lines": len(lines)},
        )
        audit.record(
            actor=actor,
            action="invoice.issued",
            obj=invoice,
            organisation=customer,
            number=invoice.number,
            total=str(invoice.total),
        )
        if queue_pdf:
            _queue_pdf(invoice.pk)
        return invoice


def _line_description(entry: TimeEntry, days: list[date]) -> str:
    span = days[0].strftime("%d-%m-%Y")
    if len(days) > 1:
        span = f"{span} t/m {days[-1].strftime('%d-%m-%Y')}"
    text = f"{entry.activity.name_nl} (opdracht {entry.engagement_id}), {span}"
    return text[:300]


def invoices_issue_for_month(
    year: int, month: int, *, actor=None, queue_pdfs: bool = True
) -> IssueRun:
    """Invoice every approved, unbilled entry of the month: one invoice per supplier and customer.

    Safe to run again (and alongside itself): entries billed already are left out, and an entry
    billed by a parallel run makes the later insert fail, which rolls back only that invoice.
    Invoices are committed in batches (each one in its own savepoint), so the run does not wait
    for a disk flush per invoice; a refused invoice rolls back alone and gives its number back."""
    period = Period.month(year, month)
    run = IssueRun()
    groups = sorted(_groups(period).items())
    for start in range(0, len(groups), MONTH_END_BATCH):
        with transaction.atomic():
            for (supplier_id, customer_id), engagement_ids in groups[
                start : start + MONTH_END_BATCH
            ]:
                _issue_into(
                    run,
                    supplier_id=supplier_id,
                    customer_id=customer_id,
                    engagement_ids=engagement_ids,
                    period=period,
                    actor=actor,
                    queue_pdf=queue_pdfs,
                )
    return run


def _issue_into(run: IssueRun, *, supplier_id: int, customer_id: int, **kwargs) -> None:
    try:
        invoice = _issue_group(supplier_id=supplier_id, customer_id=customer_id, **kwargs)
    except DomainError as exc:
        logger.warning(
            "invoice for supplier#%s customer#%s skipped: %s", supplier_id, customer_id, exc.code
        )
        run.skipped.append((supplier_id, customer_id, exc.message))
        return
    except IntegrityError:
        # Billed by a parallel run between our read and our insert; nothing lost.
        logger.info("invoice for supplier#%s customer#%s raced; skipped", supplier_id, customer_id)
        return
    except OperationalError as exc:
        # A batch of the month-end run holds the ledger head while an on-demand issue holds the
        # entries it wants next: PostgreSQL breaks the deadlock by refusing one side; that
        # invoice rolls back to its savepoint and the next run (or a click) picks it up.
        if getattr(exc.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
            raise
        logger.warning(
            "invoice for supplier#%s customer#%s deadlocked; skipped", supplier_id, customer_id
        )
        return
    if invoice is not None:
        run.issued.append(invoice)


def can_issue_for(user, customer: Organisation) -> bool:
    if not is_authenticated(user):
        return False
    try:
        ensure_role(user, customer, Role.COORDINATOR, Role.ADMIN)
    except PermissionDenied:
        return False
    return True


def invoice_issue(
    *, actor, customer: Organisation, year: int, month: int, supplier: PartnerProfile | None = None
) -> IssueRun:
    """On demand: invoice a customer's approved hours of one month now (for one supplier, or all).

    For coordinators and admins of the customer, and platform staff."""
    ensure_role(actor, customer, Role.COORDINATOR, Role.ADMIN)
    period = Period.month(year, month)
    if period.start > timezone.localdate():
        raise DomainError(_("That month has not started yet."), field="period")
    groups = _groups(period, customer.pk)
    run = IssueRun()
    for (supplier_id, customer_id), engagement_ids in sorted(groups.items()):
        if supplier is not None and supplier_id != supplier.pk:
            continue
        _issue_into(
            run,
            supplier_id=supplier_id,
            customer_id=customer_id,
            engagement_ids=engagement_ids,
            period=period,
            actor=actor,
        )
    return run


# --- credit notes -----------------------------------------------------------------------------


def can_credit(user, invoice: Invoice) -> bool:
    if not is_authenticated(user):
        return False
    if user.is_staff:
        return True
    from marketplace.permissions import has_role

    return has_role(user, invoice.customer, Role.ADMIN)


def invoice_credit(*, actor, invoice: Invoice, reason: str) -> Invoice:
    """A full credit note for `invoice`: the same lines negated, referring to its number. The
    billed entries are released, so they can be invoiced again (corrected, if need be)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the credit note."), field="reason")
    if len(reason) > CREDIT_REASON_MAX:
        raise DomainError(
            _("Keep this under %(max)d characters.") % {"max": CREDIT_REASON_MAX}, field="reason"
        )
    if not can_credit(actor, invoice):
        raise PermissionDenied(
            _("Only an administrator of the customer or platform staff may credit an invoice.")
        )
    with transaction.atomic():
        original = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if original.kind != DocumentKind.INVOICE:
            raise Conflict(_("A credit note cannot be credited."))
        if original.credit_notes.exists():
            raise Conflict(
                _("Invoice %(number)s has been credited already.") % {"number": original.number}
            )
        today = timezone.localdate()
        series = series_for(original.supplier_id, today.year)
        sequence = numbering.next_number(series)
        copied = {
            name: getattr(original, name)
            for name in (
                "customer_id",
                "supplier_id",
                "period_start",
                "period_end",
                "supplier_name",
                "supplier_address",
                "supplier_kvk",
                "supplier_vat_id",
                "supplier_iban",
                "customer_name",
                "customer_address",
                "customer_kvk",
                "vat_code",
                "vat_rate",
                "vat_note",
            )
        }
        credit = _insert_invoice(
            Invoice(
                kind=DocumentKind.CREDIT_NOTE,
                credit_note_of=original,
                credit_reason=reason,
                number=numbering.formatted(today.year, sequence),
                series=series,
                sequence=sequence,
                issue_date=today,
                due_date=today + timedelta(days=settings.PAYMENT_TERM_DAYS),
                subtotal=-original.subtotal,
                vat_amount=-original.vat_amount,
                total=-original.total,
                issued_by=actor,
                **copied,
            )
        )
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=credit,
                    position=line.position,
                    engagement_id=line.engagement_id,
                    description=line.description,
                    service_date=line.service_date,
                    quantity=-line.quantity,
                    unit_price=line.unit_price,
                    amount=-line.amount,
                )
                for line in original.lines.order_by("position")
            ]
        )
        record_spend(credit)
        released = BilledTimeEntry.objects.filter(
            invoice_line__invoice=original, released_at__isnull=True
        ).update(released_at=timezone.now(), released_by=credit)
        ledger.append(
            kind=LedgerEventKind.CREDIT_NOTE_ISSUED,
            amount=credit.total,
            obj=credit,
            payer=original.customer,
            payee=original.supplier,
            reference=credit.number,
            data={"credits": original.number, "reason": reason, "entries_released": released},
        )
        audit.record(
            actor=actor,
            action="invoice.credited",
            obj=original,
            organisation=original.customer,
            credit_note=credit.number,
            reason=reason,
        )
        _queue_pdf(credit.pk)
    return credit


# --- PDF --------------------------------------------------------------------------------------


def invoice_pdf_ensure(invoice: Invoice) -> Invoice:
    """Render and store the PDF once; a second call (or a second task run) does nothing."""
    from payments.invoice_pdf import render_invoice_pdf
    from payments.storage import document_storage

    invoice = Invoice.objects.get(pk=invoice.pk)
    if invoice.pdf:
        return invoice
    content = render_invoice_pdf(invoice)
    storage = document_storage()
    name = storage.save(
        f"invoices/{invoice.issue_date:%Y}/{invoice.supplier_id}-{invoice.number}.pdf",
        _content_file(content),
    )
    claimed = Invoice.objects.filter(pk=invoice.pk, pdf="").update(
        pdf=name, pdf_rendered_at=timezone.now()
    )
    if not claimed:
        storage.delete(name)  # another run stored it first
    return Invoice.objects.get(pk=invoice.pk)


def _content_file(content: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(content)


def ledger_balance(*, payer, payee) -> Decimal:
    from payments.models import LedgerEntry

    total = LedgerEntry.objects.filter(payer=payer, payee=payee).aggregate(s=Sum("amount"))["s"]
    return total or ZERO


__all__ = [
    "INVOICED_MODES",
    "SELF_BILLING_TEXT",
    "IssueRun",
    "Period",
    "billable_entries",
    "can_credit",
    "can_issue_for",
    "invoice_credit",
    "invoice_issue",
    "invoice_pdf_ensure",
    "invoices_issue_for_month",
    "ledger_balance",
]
