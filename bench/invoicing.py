"""Month-end invoicing speed: 10,000 engagements with 20 approved entries each.

Seeds 1,000 freelancers (21% VAT), 100 care organisations and 10,000 engagements (each
freelancer works for 10 organisations, so the run issues 10,000 invoices) with 200,000 approved
time entries in one month, on the database of DATABASE_URL (PostgreSQL in `make bench`). Times
`invoices_issue_for_month` (each invoice in its own transaction: locked entries, the supplier's
counter row, lines, billed entries, a ledger row), then renders and stores the PDFs of a sample.
Removes everything it made afterwards (invoices and ledger rows with the triggers bypassed for
this transaction only, as only a benchmark may), and puts the ledger head back on the last row
left. Measured on the shared 2-core machine: 10,000 invoices in 137 s (73 invoices/s), a second
run 0.5 s with nothing issued, 500 PDFs in 7.5 s (67 PDFs/s).
"""

import time
from datetime import date
from decimal import Decimal

SUPPLIERS = 1_000
CUSTOMERS = 100
ENGAGEMENTS_PER_SUPPLIER = 10
ENTRIES = 20
PDF_SAMPLE = 500
YEAR, MONTH = 2019, 3
BENCH_DOMAIN = "@invoice-bench.brugwerk.test"
BATCH = 5_000


def main() -> dict[str, float]:
    from bench.geo import _migrate_if_needed, _setup_django

    _setup_django()
    _migrate_if_needed()
    _cleanup()  # what a run that was cut off left behind
    try:
        started = time.perf_counter()
        engagements = _seed()
        print(
            f"seeded {engagements:,} engagements × {ENTRIES} approved entries "
            f"in {time.perf_counter() - started:.1f} s"
        )
        return _measure()
    finally:
        _cleanup()


def _seed() -> int:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from marketplace.models import (
        Engagement,
        Organisation,
        OrganisationKind,
        TimeEntry,
        TimeEntryStatus,
        User,
        VerificationStatus,
    )
    from partners.models import Expertise, Offer, PartnerKind, PartnerProfile, VatCode

    expertise = Expertise.objects.order_by("pk").first()
    password = make_password(None)
    now = timezone.now()
    with transaction.atomic():
        coordinator = User.objects.create(
            email=f"coordinator{BENCH_DOMAIN}", full_name="Bench Coordinator", password=password
        )
        customers = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Bench Zorg {i}",
                    kind=OrganisationKind.CARE,
                    street=f"Zorgstraat {i + 1}",
                    postcode="2511 AA",
                    city="Den Haag",
                    verification_status=VerificationStatus.VERIFIED,
                )
                for i in range(CUSTOMERS)
            ]
        )
        users = User.objects.bulk_create(
            [
                User(email=f"f{i}{BENCH_DOMAIN}", full_name=f"Freelancer {i}", password=password)
                for i in range(SUPPLIERS)
            ]
        )
        suppliers = PartnerProfile.objects.bulk_create(
            [
                PartnerProfile(
                    kind=PartnerKind.KEY_PERSON,
                    user=user,
                    display_name=user.full_name,
                    compensation_mode="invoice_person",
                    hourly_rate=Decimal("42.50"),
                    kvk_number=f"{70000000 + i:08d}",
                    vat_code=VatCode.STANDARD_21,
                    vat_id="NL000099998B57",
                    iban="NL91ABNA0417164300",
                    street=f"Werkstraat {i + 1}",
                    postcode="2525 AB",
                    city="Den Haag",
                )
                for i, user in enumerate(users)
            ]
        )
        offers = Offer.objects.bulk_create(
            [
                Offer(
                    partner=supplier,
                    title="Bench",
                    description="Bench",
                    expertise=expertise,
                    duration_hours=Decimal("2"),
                    pricing="hourly",
                    price=Decimal("42.50"),
                )
                for supplier in suppliers
            ]
        )
        engagements = Engagement.objects.bulk_create(
            [
                Engagement(
                    organisation=customers[(i + k * 10) % CUSTOMERS],
                    partner=supplier,
                    offer=offer,
                    activity=expertise,
                    hourly_rate=Decimal("42.50"),
                    max_hours=Decimal("100"),
                    period_start=date(YEAR, MONTH, 1),
                    period_end=date(YEAR, MONTH, 28),
                    compensation_mode="invoice_person",
                    created_by=coordinator,
                )
                for i, (supplier, offer) in enumerate(zip(suppliers, offers, strict=True))
                for k in range(ENGAGEMENTS_PER_SUPPLIER)
            ],
            batch_size=BATCH,
        )
        user_of = {s.pk: s.user_id for s in suppliers}
        entries = (
            TimeEntry(
                engagement=engagement,
                work_date=date(YEAR, MONTH, day + 1),
                hours=Decimal("1.75") if day % 3 else Decimal("2.25"),
                activity=expertise,
                status=TimeEntryStatus.APPROVED,
                logged_by_id=user_of[engagement.partner_id],
                decided_by=coordinator,
                decided_at=now,
            )
            for engagement in engagements
            for day in range(ENTRIES)
        )
        batch = []
        for entry in entries:
            batch.append(entry)
            if len(batch) == BATCH:
                TimeEntry.objects.bulk_create(batch)
                batch = []
        TimeEntry.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE marketplace_timeentry; ANALYZE payments_billedtimeentry;")
    return len(engagements)


def _measure() -> dict[str, float]:
    from payments.models import Invoice
    from payments.services.invoices import invoice_pdf_ensure, invoices_issue_for_month

    started = time.perf_counter()
    run = invoices_issue_for_month(YEAR, MONTH, queue_pdfs=False)
    seconds = time.perf_counter() - started
    invoices_per_second = len(run.issued) / seconds
    print(
        f"month-end run: {len(run.issued):,} invoices in {seconds:.1f} s "
        f"= {invoices_per_second:,.0f} invoices/s ({len(run.skipped)} skipped)"
    )
    started = time.perf_counter()
    again = invoices_issue_for_month(YEAR, MONTH, queue_pdfs=False)
    print(f"second run: {len(again.issued)} invoices in {time.perf_counter() - started:.1f} s")

    sample = list(Invoice.objects.filter(pk__in=[i.pk for i in run.issued[:PDF_SAMPLE]]))
    started = time.perf_counter()
    for invoice in sample:
        invoice_pdf_ensure(invoice)
    seconds = time.perf_counter() - started
    pdfs_per_second = len(sample) / seconds
    print(
        f"PDFs: {len(sample)} rendered and stored in {seconds:.1f} s "
        f"= {pdfs_per_second:,.1f} PDFs/s"
    )
    return {"invoices_per_second": invoices_per_second, "pdfs_per_second": pdfs_per_second}


def _cleanup() -> None:
    """Remove the bench's rows. Invoices and ledger rows refuse DELETE by trigger; a benchmark
    (as the database owner) switches triggers off for its own transaction only."""
    from django.db import connection, transaction

    from marketplace.models import Organisation, User
    from partners.models import PartnerProfile
    from payments.models import Invoice, LedgerEntry, LedgerHead
    from payments.storage import document_storage

    users = list(User.objects.filter(email__endswith=BENCH_DOMAIN).values_list("pk", flat=True))
    suppliers = list(PartnerProfile.objects.filter(user__in=users).values_list("pk", flat=True))
    invoices = list(Invoice.objects.filter(supplier__in=suppliers).values_list("pk", flat=True))
    customers = list(
        Organisation.objects.filter(name__startswith="Bench Zorg ", kvk_number="").values_list(
            "pk", flat=True
        )
    )
    storage = document_storage()
    for name in (
        Invoice.objects.filter(pk__in=invoices).exclude(pdf="").values_list("pdf", flat=True)
    ):
        storage.delete(name)
    series = [f"invoice:{pk}:{year}" for pk in suppliers for year in range(YEAR, 2101)]
    statements = [
        (
            "DELETE FROM payments_billedtimeentry WHERE invoice_line_id IN "
            "(SELECT id FROM payments_invoiceline WHERE invoice_id = ANY(%s))",
            invoices,
        ),
        ("DELETE FROM payments_invoiceline WHERE invoice_id = ANY(%s)", invoices),
        (
            "DELETE FROM marketplace_auditentry WHERE object_type = 'payments.Invoice' "
            "AND object_id = ANY(%s)",
            [str(pk) for pk in invoices],
        ),
        ("DELETE FROM payments_ledgerentry WHERE payee_id = ANY(%s)", suppliers),
        ("DELETE FROM payments_invoice WHERE id = ANY(%s)", invoices),
        ("DELETE FROM payments_numbercounter WHERE series = ANY(%s)", series),
        ("DELETE FROM marketplace_timeentry WHERE logged_by_id = ANY(%s)", users),
        ("DELETE FROM marketplace_engagement WHERE created_by_id = ANY(%s)", users),
        ("DELETE FROM partners_offer WHERE partner_id = ANY(%s)", suppliers),
        ("DELETE FROM partners_partnerprofile WHERE id = ANY(%s)", suppliers),
        ("DELETE FROM marketplace_organisation WHERE id = ANY(%s)", customers),
        ("DELETE FROM marketplace_user WHERE id = ANY(%s)", users),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for sql, ids in statements:
            cursor.execute(sql, [ids])
        # The bench's rows were the tail of the chain: the head goes back to the last one left.
        last = LedgerEntry.objects.order_by("-seq").first()
        LedgerHead.objects.filter(id=1).update(
            entries=last.seq if last else 0, last_hash=last.hash if last else "0" * 64
        )


if __name__ == "__main__":
    main()
