"""Invoices: from approved hours to an issued, numbered, immutable invoice with its PDF, and the
credit note that corrects it."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, InternalError, connection, transaction
from pypdf import PdfReader

from marketplace.errors import DomainError, PermissionDenied
from partners.models import VatCode
from payments import ledger, numbering
from payments.models import (
    BilledTimeEntry,
    DocumentSpend,
    ImmutableDocument,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    LedgerEventKind,
)
from payments.services import invoices as services
from payments.storage import document_storage
from payments.tasks import issue_month_end_documents_task, render_invoice_pdf_task
from tests.factories import MembershipFactory
from tests.marketplace.engagement_factories import KeyPersonProfileFactory
from tests.payments.factories import (
    VAT_ID,
    approved,
    care_org,
    engagement,
    expertise,
    freelancer,
    last_month,
    mzo,
    shop,
)

pytestmark = pytest.mark.django_db


def _text(invoice: Invoice) -> str:
    with document_storage().open(invoice.pdf.name, "rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_hours_to_month_end_task_to_pdf_with_every_mandatory_field(
    django_capture_on_commit_callbacks,
):
    # given approved hours of last month for a freelancer charging 21% VAT
    s = shop(vat_code=VatCode.STANDARD_21)
    first, year, month = last_month()
    approved(s.engagement, by=s.coordinator, hours="2.25", day=first)
    approved(s.engagement, by=s.coordinator, hours="1.50", day=first.replace(day=3))

    # when the month-end task runs (its PDF task runs after the commit)
    with django_capture_on_commit_callbacks(execute=True):
        result = issue_month_end_documents_task()

    # then one invoice exists, numbered in the supplier's series, with a PDF
    assert result["invoices"] == 1 and (result["year"], result["month"]) == (year, month)
    invoice = Invoice.objects.get()
    assert invoice.number.endswith("-0001")
    assert invoice.subtotal == Decimal("150.00")  # 3.75 h × €40
    assert invoice.vat_amount == Decimal("31.50") and invoice.total == Decimal("181.50")
    assert invoice.lines.count() == 1 and invoice.pdf
    text = _text(invoice)
    for needle in [
        "Factuur uitgereikt door afnemer",
        invoice.number,
        invoice.issue_date.strftime("%d-%m-%Y"),
        invoice.due_date.strftime("%d-%m-%Y"),
        f"{invoice.period_start:%d-%m-%Y} t/m {invoice.period_end:%d-%m-%Y}",
        "Mebrat Tesfaye",
        "Vaillantlaan 100",
        "2526 HV Den Haag",
        "Jeugdteam Schilderswijk",
        "Hoefkade 12",
        "12345678",
        VAT_ID,
        "Uitleg over het jeugdhulpstelsel",
        "3,75",
        "€ 40,00",
        "Btw 21%",
        "€ 31,50",
        "€ 150,00",
        "€ 181,50",
        invoice.payment_reference,
    ]:
        assert needle in text, needle
    # and a second run creates nothing new
    with django_capture_on_commit_callbacks(execute=True):
        again = issue_month_end_documents_task()
    assert again["invoices"] == 0
    assert Invoice.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=LedgerEventKind.INVOICE_ISSUED).count() == 1


def test_exempt_and_kor_reasons_are_printed(django_capture_on_commit_callbacks):
    customer = care_org()
    coordinator = MembershipFactory(organisation=customer).user
    kor = freelancer("Selam", vat_code=VatCode.KOR)
    foundation = mzo()
    approved(engagement(kor, customer), by=coordinator)
    approved(engagement(foundation, customer, mode="invoice_org"), by=coordinator)
    _, year, month = last_month()

    with django_capture_on_commit_callbacks(execute=True):
        run = services.invoices_issue_for_month(year, month)

    assert len(run.issued) == 2
    by_supplier = {i.supplier_id: i for i in Invoice.objects.all()}
    assert "kleineondernemersregeling" in _text(by_supplier[kor.pk])
    assert by_supplier[kor.pk].vat_amount == 0
    assert "Sociaal-culturele instelling" in _text(by_supplier[foundation.pk])
    assert "KvK" in _text(by_supplier[foundation.pk])


def test_lines_per_engagement_and_activity_rounded_once():
    s = shop()
    day = s.engagement.period_start
    for hours in ("0.25", "0.25", "0.25"):
        approved(s.engagement, by=s.coordinator, hours=hours, day=day)
    other = approved(s.engagement, by=s.coordinator, hours="1.00", day=day)
    other.activity = expertise("bridging")
    other.save()
    s.engagement.hourly_rate = Decimal("33.33")
    s.engagement.save()
    _, year, month = last_month()

    run = services.invoices_issue_for_month(year, month, queue_pdfs=False)

    invoice = run.issued[0]
    lines = list(invoice.lines.all())
    assert [line.quantity for line in lines] == [Decimal("0.75"), Decimal("1.00")]
    assert lines[0].amount == Decimal("25.00")  # 0.75 × 33.33 = 24.9975, rounded once
    assert invoice.subtotal == Decimal("58.33")
    assert BilledTimeEntry.objects.filter(invoice_line__invoice=invoice).count() == 4


def test_dispatched_key_person_with_invoice_org_is_invoiced_by_the_mzo():
    customer = care_org()
    coordinator = MembershipFactory(organisation=customer).user
    foundation = mzo()
    member = KeyPersonProfileFactory(organisation=foundation.organisation, display_name="Amina")
    approved(engagement(member, customer, mode="invoice_org"), by=coordinator)
    _, year, month = last_month()

    run = services.invoices_issue_for_month(year, month, queue_pdfs=False)

    assert [i.supplier_id for i in run.issued] == [foundation.pk]
    assert run.issued[0].supplier_name == "Stichting Brug"


def test_allowance_reimbursement_unapproved_and_other_months_are_not_invoiced():
    s = shop()
    for mode in ("allowance", "reimbursement"):
        approved(engagement(s.supplier, s.customer, mode=mode), by=s.coordinator)
    from tests.marketplace.engagement_factories import TimeEntryFactory

    TimeEntryFactory(engagement=s.engagement)  # submitted, not approved
    approved(s.engagement, by=s.coordinator, day=s.engagement.period_start.replace(day=1))
    approved(
        engagement(s.supplier, s.customer, start=last_month()[0].replace(year=2020)),
        by=s.coordinator,
    )
    _, year, month = last_month()

    run = services.invoices_issue_for_month(year, month, queue_pdfs=False)

    assert len(run.issued) == 1
    assert run.issued[0].lines.get().quantity == Decimal("2.00")


def test_a_supplier_without_address_or_vat_code_is_skipped_with_a_reason():
    s = shop(vat_code="")
    approved(s.engagement, by=s.coordinator)
    _, year, month = last_month()

    run = services.invoices_issue_for_month(year, month, queue_pdfs=False)

    assert run.issued == [] and "VAT code" in run.skipped[0][2]
    assert not Invoice.objects.exists()


def test_payment_reference_is_a_valid_16_digit_betalingskenmerk():
    s = shop()
    approved(s.engagement, by=s.coordinator)
    _, year, month = last_month()

    invoice = services.invoices_issue_for_month(year, month, queue_pdfs=False).issued[0]

    assert len(invoice.payment_reference) == 16
    assert numbering.is_valid_payment_reference(invoice.payment_reference)
    assert invoice.payment_reference == numbering.payment_reference(1, invoice.pk)
    reference = invoice.payment_reference
    wrong_check = str((int(reference[0]) + 1) % 10) + reference[1:]
    assert not numbering.is_valid_payment_reference(wrong_check)


def test_due_date_follows_the_payment_term(settings):
    settings.PAYMENT_TERM_DAYS = 30
    s = shop()
    approved(s.engagement, by=s.coordinator)
    _, year, month = last_month()

    invoice = services.invoices_issue_for_month(year, month, queue_pdfs=False).issued[0]

    assert (invoice.due_date - invoice.issue_date).days == 30


def test_issue_on_demand_by_the_customer_coordinator_only():
    s = shop()
    approved(s.engagement, by=s.coordinator)
    _, year, month = last_month()
    stranger = MembershipFactory(organisation=care_org("Andere Zorg")).user

    with pytest.raises(PermissionDenied):
        services.invoice_issue(actor=stranger, customer=s.customer, year=year, month=month)
    with pytest.raises(PermissionDenied):
        services.invoice_issue(actor=s.supplier.user, customer=s.customer, year=year, month=month)
    run = services.invoice_issue(actor=s.coordinator, customer=s.customer, year=year, month=month)

    assert len(run.issued) == 1 and run.issued[0].issued_by == s.coordinator
    assert (
        services.invoice_issue(
            actor=s.coordinator, customer=s.customer, year=year, month=month
        ).issued
        == []
    )


def test_issue_on_demand_refuses_a_future_month():
    s = shop()
    with pytest.raises(DomainError):
        services.invoice_issue(actor=s.coordinator, customer=s.customer, year=2099, month=1)


# --- immutability -----------------------------------------------------------------------------


def _issued():
    s = shop()
    approved(s.engagement, by=s.coordinator)
    _, year, month = last_month()
    return s, services.invoices_issue_for_month(year, month, queue_pdfs=False).issued[0]


def test_editing_an_issued_invoice_is_refused_in_code():
    _, invoice = _issued()

    invoice.total = Decimal("1.00")
    with pytest.raises(ImmutableDocument):
        invoice.save()
    with pytest.raises(ImmutableDocument):
        Invoice.objects.filter(pk=invoice.pk).update(customer_name="Someone else")
    with pytest.raises(ImmutableDocument):
        invoice.delete()
    with pytest.raises(ImmutableDocument):
        Invoice.objects.filter(pk=invoice.pk).delete()
    line = invoice.lines.get()
    line.amount = Decimal("0.01")
    with pytest.raises(ImmutableDocument):
        line.save()
    with pytest.raises(ImmutableDocument):
        InvoiceLine.objects.filter(pk=line.pk).update(amount=0)
    with pytest.raises(ImmutableDocument):
        line.delete()


def test_payment_fields_of_an_issued_invoice_may_change():
    _, invoice = _issued()

    invoice.amount_paid = invoice.total
    invoice.payment_status = "paid"
    invoice.save()

    invoice.refresh_from_db()
    assert invoice.payment_status == "paid" and invoice.amount_paid == invoice.total


@pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers are PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE payments_invoice SET total = 0, subtotal = 0, vat_amount = 0 WHERE id = %s",
        "UPDATE payments_invoice SET customer_name = 'x' WHERE id = %s",
        "DELETE FROM payments_invoice WHERE id = %s",
        "UPDATE payments_invoiceline SET amount = 0 WHERE invoice_id = %s",
        "DELETE FROM payments_invoiceline WHERE invoice_id = %s",
    ],
)
def test_the_database_refuses_sql_changes_to_an_issued_invoice(sql):
    _, invoice = _issued()

    with (
        pytest.raises((IntegrityError, InternalError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [invoice.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers are PostgreSQL's")
def test_the_database_allows_the_payment_columns():
    _, invoice = _issued()

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_invoice SET amount_paid = total, payment_status = 'paid' "
            "WHERE id = %s",
            [invoice.pk],
        )
    invoice.refresh_from_db()
    assert invoice.payment_status == "paid"


# --- credit notes -----------------------------------------------------------------------------


def test_credit_note_restores_the_balance_and_releases_the_entries_for_rebilling(
    django_capture_on_commit_callbacks,
):
    s, invoice = _issued()
    _, year, month = last_month()

    with django_capture_on_commit_callbacks(execute=True):
        credit = services.invoice_credit(actor=s.admin, invoice=invoice, reason="Wrong rate")

    assert credit.kind == "credit_note" and credit.credit_note_of == invoice
    # The audit's summary of both: the invoice's spend per engagement, and the credit's negative
    engagement = invoice.lines.get().engagement
    assert sorted(
        DocumentSpend.objects.filter(invoice__in=[invoice, credit]).values_list(
            "engagement", "municipality", "period_start", "amount"
        )
    ) == sorted(
        (engagement.pk, engagement.municipality_id, invoice.period_start, sign * invoice.subtotal)
        for sign in (1, -1)
    )
    assert credit.total == -invoice.total and credit.number.endswith("-0002")
    assert [line.amount for line in credit.lines.all()] == [-invoice.lines.get().amount]
    assert services.ledger_balance(payer=s.customer, payee=s.supplier) == 0
    assert ledger.verify().ok
    call_command("verify_ledger")
    text = _text(Invoice.objects.get(pk=credit.pk))
    assert "Creditnota" in text and invoice.number in text and "Wrong rate" in text
    # the released entries are billed again by the next run
    again = services.invoices_issue_for_month(year, month, queue_pdfs=False).issued
    assert len(again) == 1 and again[0].total == invoice.total
    assert again[0].number.endswith("-0003")
    assert services.ledger_balance(payer=s.customer, payee=s.supplier) == invoice.total


def test_credit_needs_a_reason_the_customer_admin_and_happens_once():
    s, invoice = _issued()
    stranger = MembershipFactory(organisation=care_org("Andere Zorg"), role="admin").user

    with pytest.raises(DomainError) as missing:
        services.invoice_credit(actor=s.admin, invoice=invoice, reason="  ")
    assert missing.value.field == "reason"
    for user in (stranger, s.coordinator, s.supplier.user):
        with pytest.raises(PermissionDenied):
            services.invoice_credit(actor=user, invoice=invoice, reason="No")
    credit = services.invoice_credit(actor=s.admin, invoice=invoice, reason="Double")
    with pytest.raises(DomainError):
        services.invoice_credit(actor=s.admin, invoice=invoice, reason="Again")
    with pytest.raises(DomainError):
        services.invoice_credit(actor=s.admin, invoice=credit, reason="Credit of credit")


def test_pdf_task_twice_stores_one_file():
    _, invoice = _issued()

    assert render_invoice_pdf_task(invoice.pk)
    first = Invoice.objects.get(pk=invoice.pk).pdf.name
    assert render_invoice_pdf_task(invoice.pk)

    assert Invoice.objects.get(pk=invoice.pk).pdf.name == first
    assert render_invoice_pdf_task(10**9) is False


def test_month_end_run_needs_few_queries_per_invoice(django_assert_max_num_queries):
    customer = care_org()
    coordinator = MembershipFactory(organisation=customer).user
    for i in range(5):
        supplier = freelancer(f"Freelancer {i}")
        for _day in range(3):
            approved(engagement(supplier, customer), by=coordinator)
    _, year, month = last_month()

    with django_assert_max_num_queries(5 + 5 * 20):
        run = services.invoices_issue_for_month(year, month, queue_pdfs=False)

    assert len(run.issued) == 5


def test_demo_seed_issues_last_months_invoices_with_pdfs_once():
    from payments.demo import seed_invoices

    s = shop()
    approved(s.engagement, by=s.coordinator)

    first = seed_invoices()
    second = seed_invoices()

    assert len(first.issued) == 1 and second.issued == []
    assert Invoice.objects.get().pdf
