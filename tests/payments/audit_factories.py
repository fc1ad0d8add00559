"""A municipal audit world: Den Haag with a care organisation's invoiced, credited and
allowance work, Delft with one invoice, and an auditor for each. Documents are written as the
issuing services write them (numbers, lines, billed entries, ledger rows)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from marketplace.models import OrganisationKind, Role, TimeEntryStatus
from payments import ledger
from payments.models import (
    AllowanceStatement,
    BilledTimeEntry,
    Invoice,
    InvoiceLine,
    LedgerEventKind,
    PaymentStatus,
    Payout,
    PayoutMethod,
    PayoutState,
)
from payments.numbering import next_number, payment_reference
from payments.spend import record_spend
from tests.factories import (
    DistrictFactory,
    MembershipFactory,
    MunicipalityFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
)
from tests.marketplace.engagement_factories import (
    EngagementFactory,
    LocalRequestFactory,
    TimeEntryFactory,
    care_organisation,
    den_haag,
    schilders_west,
)

AUDIT_YEAR = 2026
MARCH = date(AUDIT_YEAR, 3, 1)


def _auditor(municipality):
    organisation = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, municipality=municipality, name=municipality.name
    )
    return MembershipFactory(organisation=organisation, role=Role.AUDITOR).user


def _engagement(neighbourhood, organisation, mode="invoice_person", **kwargs):
    request = LocalRequestFactory(
        organisation=organisation,
        neighbourhood=neighbourhood,
        period_start=MARCH,
        period_end=MARCH + timedelta(days=60),
        response_deadline=MARCH - timedelta(days=3),
    )
    return EngagementFactory(
        organisation=organisation,
        request=request,
        period_start=MARCH,
        period_end=MARCH + timedelta(days=60),
        compensation_mode=mode,
        **kwargs,
    )


def _approved(engagement, hours, when=MARCH):
    return TimeEntryFactory(
        engagement=engagement,
        work_date=when,
        hours=Decimal(hours),
        status=TimeEntryStatus.APPROVED,
        decided_by=engagement.created_by,
        decided_at=timezone.now(),
    )


def _invoice(entries, *, credit_of=None):
    """An issued invoice (or credit note) for approved entries, one line per entry."""
    first = entries[0].engagement
    sign = -1 if credit_of else 1
    with transaction.atomic():
        series = f"test-{first.partner_id}"
        sequence = next_number(series)
        lines = [(entry, sign * entry.hours * entry.engagement.hourly_rate) for entry in entries]
        subtotal = sum((amount for _, amount in lines), Decimal("0")).quantize(Decimal("0.01"))
        invoice = Invoice.objects.create(
            number=f"{AUDIT_YEAR}-{sequence:04d}",
            series=series,
            sequence=sequence,
            customer=first.organisation,
            supplier=first.partner,
            issue_date=MARCH + timedelta(days=31),
            due_date=MARCH + timedelta(days=45),
            period_start=MARCH,
            period_end=MARCH + timedelta(days=30),
            total=subtotal,
            payment_reference=payment_reference(1, 10**6 + sequence + first.partner_id * 1000),
            kind="credit_note" if credit_of else "invoice",
            credit_note_of=credit_of,
            supplier_name=first.partner.display_name,
            supplier_address="Straat 1, 2500 AA Den Haag",
            customer_name=first.organisation.name,
            customer_address="Plein 1, 2500 AA Den Haag",
            vat_code="exempt",
            vat_rate=Decimal("0"),
            subtotal=subtotal,
            vat_amount=Decimal("0"),
        )
        for position, (entry, amount) in enumerate(lines, start=1):
            line = InvoiceLine.objects.create(
                invoice=invoice,
                position=position,
                engagement=entry.engagement,
                description="Uitleg jeugdhulp",
                service_date=entry.work_date,
                quantity=sign * entry.hours,
                unit_price=entry.engagement.hourly_rate,
                amount=amount,
            )
            if not credit_of:
                BilledTimeEntry.of(entry, invoice_line=line, amount=amount).save()
        record_spend(invoice)
        ledger.append(
            kind=LedgerEventKind.CREDIT_NOTE_ISSUED
            if credit_of
            else LedgerEventKind.INVOICE_ISSUED,
            amount=subtotal,
            obj=invoice,
            payer=invoice.customer,
            payee=invoice.supplier,
            reference=invoice.number,
        )
    return invoice


def _statement(entries):
    first = entries[0].engagement
    with transaction.atomic():
        series = f"vv-{first.organisation_id}"
        sequence = next_number(series)
        amounts = [(entry, entry.hours * first.hourly_rate) for entry in entries]
        total = sum((amount for _, amount in amounts), Decimal("0"))
        statement = AllowanceStatement.objects.create(
            number=f"VV-{AUDIT_YEAR}-{sequence:04d}",
            series=series,
            sequence=sequence,
            customer=first.organisation,
            supplier=first.partner,
            issue_date=MARCH + timedelta(days=31),
            due_date=MARCH + timedelta(days=45),
            period_start=MARCH,
            period_end=MARCH + timedelta(days=30),
            total=total,
            payment_reference=payment_reference(2, 10**6 + sequence + first.partner_id * 1000),
            year=AUDIT_YEAR,
            month=3,
            hours=sum(entry.hours for entry in entries),
            volunteer_name=first.partner.display_name,
            organisation_name=first.organisation.name,
            organisation_address="Plein 1",
            year_total_after=total,
            month_total_after=total,
        )
        for entry, amount in amounts:
            BilledTimeEntry.of(entry, statement=statement, amount=amount).save()
        record_spend(statement)
        ledger.append(
            kind=LedgerEventKind.ALLOWANCE_STATEMENT_ISSUED,
            amount=total,
            obj=statement,
            payer=statement.customer,
            payee=statement.supplier,
            reference=statement.number,
        )
    return statement


def build_audit_world() -> dict:
    """Den Haag with one care organisation's invoiced, credited and allowance work; Delft with
    one invoice of its own; an auditor for each."""
    haag = den_haag()
    delft = MunicipalityFactory(code="GM0503", name="Delft")
    delft_place = NeighbourhoodFactory(
        code="BU05031101",
        name="Delft-Centrum",
        district=DistrictFactory(code="WK050311", name="Binnenstad", municipality=delft),
    )
    care = care_organisation(name="Jeugdteam Centrum")
    invoiced = _engagement(schilders_west(), care, hourly_rate=Decimal("40.00"))
    volunteer = _engagement(schilders_west(), care, mode="allowance", hourly_rate=Decimal("5.50"))
    elsewhere = _engagement(delft_place, care_organisation(name="Zorg Delft"))
    entries = [_approved(invoiced, "2.50"), _approved(invoiced, "1.25", MARCH + timedelta(1))]
    invoice = _invoice(entries)
    credited = _invoice([_approved(invoiced, "1.00", MARCH + timedelta(2))])
    credit_note = _invoice([credited.lines.get().entries.get().time_entry], credit_of=credited)
    statement = _statement([_approved(volunteer, "3.00"), _approved(volunteer, "2.00")])
    delft_invoice = _invoice([_approved(elsewhere, "7.00")])
    _paid_out(invoice, days=6)
    _paid_out(statement, days=3)
    return {
        "haag": haag,
        "delft": delft,
        "care": care,
        "invoice": invoice,
        "credited": credited,
        "credit_note": credit_note,
        "statement": statement,
        "delft_invoice": delft_invoice,
        "haag_auditor": _auditor(haag),
        "delft_auditor": _auditor(delft),
    }


def _paid_out(document, *, days: int):
    """The document paid in full and its payout paid `days` after approval."""
    paid_at = timezone.now()
    type(document).objects.filter(pk=document.pk).update(
        amount_paid=document.total, payment_status=PaymentStatus.PAID
    )
    return Payout.objects.create(
        partner=document.supplier,
        **{"invoice" if isinstance(document, Invoice) else "statement": document},
        amount=document.total,
        method=PayoutMethod.SEPA,
        state=PayoutState.PAID,
        idempotency_key=f"audit-{document._meta.model_name}-{document.pk}",
        approved_at=paid_at - timedelta(days=days),
        paid_at=paid_at,
        days_to_payout=days,
    )
