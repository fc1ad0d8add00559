"""Audit dashboard speed: every query of the municipal dashboard for one municipality-year.

Seeds (once; reused on later runs) on the database of DATABASE_URL, on top of the matching
bench's 100,000 partners: 100 care organisations in Haaglanden, 50,000 requests with one
engagement each, 1,000,000 approved time entries (20 per engagement), about 133,000 invoices
(one line each, four per invoiced engagement: two thirds of them), about 16,700 allowance
statements and 50,000 paid payouts. Then times the dashboard's figures for Den Haag in 2026
(three runs, the best counts) and prints each part and the total. Target: under 1 s in total.

The documents' spend rows (payments.spend: one per document and engagement) are seeded with
them, as the issuing services write them. Ledger rows are not seeded: the dashboard reads the
documents, and only drill-down reads the ledger (by an index on the document).
"""

import random
import time
from datetime import date, timedelta
from decimal import Decimal

ENGAGEMENTS = 50_000
ENTRIES_PER_ENGAGEMENT = 20
MONTHS_PER_ENGAGEMENT = 4
CARE_ORGANISATIONS = 100
PAYOUTS = 50_000
YEAR = 2026
KVK_BASE = 99_980_000  # bench care organisations: KvK 9998xxxx
BATCH = 10_000


def main() -> dict[str, float]:
    from bench.geo import _migrate_if_needed, _setup_django

    _setup_django()
    _migrate_if_needed()
    from bench import matching

    matching.main_seed_only()
    rng = random.Random(8)  # noqa: S311 - a reproducible workload, not a secret
    _seed(rng)
    return _measure()


def _seed(rng) -> None:
    from django.db import connection, transaction

    from geo.models import Neighbourhood
    from marketplace.models import (
        Engagement,
        Organisation,
        OrganisationKind,
        TimeEntry,
        User,
        VerificationStatus,
    )
    from partners.models import Expertise, PartnerProfile
    from payments.models import AllowanceStatement, BilledTimeEntry, Invoice, InvoiceLine
    from payments.spend import record_spend
    from requests.models import SupportRequest

    if Organisation.objects.filter(kvk_number=str(KVK_BASE)).exists():
        print(f"reusing the audit bench data ({TimeEntry.objects.count():,} time entries)")
        _seed_payouts(rng)
        return
    started = time.perf_counter()
    places = list(
        Neighbourhood.objects.filter(municipality__code__in=matching_codes()).values_list(
            "pk", "municipality_id"
        )
    )
    kinds = list(Expertise.objects.values_list("pk", flat=True))
    partners = list(
        PartnerProfile.objects.filter(user__email__endswith="@bench.brugwerk.test").values_list(
            "pk", "user_id"
        )
    )
    coordinator, _ = User.objects.get_or_create(
        email="audit-coordinator@bench.brugwerk.test",
        defaults={"full_name": "Bench Audit Coordinator"},
    )
    municipalities = sorted({m for _, m in places})
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench Zorg {n}",
            kind=OrganisationKind.CARE,
            kvk_number=str(KVK_BASE + n),
            verification_status=VerificationStatus.VERIFIED,
            municipality_id=municipalities[n % len(municipalities)],
        )
        for n in range(CARE_ORGANISATIONS)
    )
    start_of_year = date(YEAR, 1, 1)
    for offset in range(0, ENGAGEMENTS, BATCH):
        with transaction.atomic():
            requests, engagements = [], []
            for n in range(offset, min(offset + BATCH, ENGAGEMENTS)):
                place, municipality = rng.choice(places)
                first = start_of_year + timedelta(days=rng.randrange(0, 240))
                requests.append(
                    SupportRequest(
                        organisation=rng.choice(organisations),
                        created_by=coordinator,
                        title=f"Bench audit request {n}",
                        expertise_id=rng.choice(kinds),
                        neighbourhood_id=place,
                        mode="in_person",
                        hours_estimated=Decimal("20"),
                        period_start=first,
                        period_end=first + timedelta(days=120),
                        budget_ceiling=Decimal("1000"),
                        response_deadline=first - timedelta(days=7),
                        description="Bench",
                        status="in_progress",
                    )
                )
                requests[-1].municipality_id = municipality
            SupportRequest.objects.bulk_create(requests)
            for request in requests:
                partner, _ = rng.choice(partners)
                mode = rng.choice(["allowance", "invoice_person", "invoice_org"])
                rate = Decimal("5.75") if mode == "allowance" else Decimal(rng.choice([35, 45, 55]))
                engagements.append(
                    Engagement(
                        organisation=request.organisation,
                        partner_id=partner,
                        request=request,
                        municipality_id=request.municipality_id,
                        activity_id=request.expertise_id,
                        hourly_rate=rate,
                        reference_rate=Decimal("62.50"),
                        max_hours=Decimal("40"),
                        period_start=request.period_start,
                        period_end=request.period_end,
                        compensation_mode=mode,
                        created_by=coordinator,
                    )
                )
            Engagement.objects.bulk_create(engagements)
            users = dict(partners)
            entries = []
            for engagement in engagements:
                for k in range(ENTRIES_PER_ENGAGEMENT):
                    month = k // (ENTRIES_PER_ENGAGEMENT // MONTHS_PER_ENGAGEMENT)
                    entries.append(
                        TimeEntry(
                            engagement=engagement,
                            work_date=engagement.period_start + timedelta(days=30 * month + k % 5),
                            hours=Decimal("1.50"),
                            activity_id=engagement.activity_id,
                            status="approved",
                            logged_by_id=users[engagement.partner_id],
                            decided_by=coordinator,
                            decided_at=engagement.created_at,
                        )
                    )
            TimeEntry.objects.bulk_create(entries, batch_size=BATCH)
            invoices, lines, statements, billed = [], [], [], []
            by_engagement = {}
            for entry in entries:
                by_engagement.setdefault(entry.engagement_id, []).append(entry)
            for engagement in engagements:
                own = by_engagement[engagement.pk]
                per_month = ENTRIES_PER_ENGAGEMENT // MONTHS_PER_ENGAGEMENT
                if engagement.compensation_mode == "allowance":
                    chunk = own[:per_month]
                    amount = sum(e.hours for e in chunk) * engagement.hourly_rate
                    first = chunk[0].work_date.replace(day=1)
                    statements.append(
                        (
                            AllowanceStatement(
                                **_document(engagement, first, amount, len(statements), "S"),
                                year=first.year,
                                month=first.month,
                                hours=sum(e.hours for e in chunk),
                                volunteer_name="Bench",
                                organisation_name="Bench",
                                organisation_address="Bench",
                                year_total_after=amount,
                                month_total_after=amount,
                            ),
                            chunk,
                        )
                    )
                    continue
                for month in range(MONTHS_PER_ENGAGEMENT):
                    chunk = own[month * per_month : (month + 1) * per_month]
                    amount = sum(e.hours for e in chunk) * engagement.hourly_rate
                    first = chunk[0].work_date.replace(day=1)
                    invoice = Invoice(
                        **_document(engagement, first, amount, month, "I"),
                        supplier_name="Bench",
                        supplier_address="Bench",
                        customer_name="Bench",
                        customer_address="Bench",
                        vat_code="exempt",
                        vat_rate=Decimal("0"),
                        subtotal=amount,
                        vat_amount=Decimal("0"),
                    )
                    invoices.append(invoice)
                    lines.append(
                        (
                            InvoiceLine(
                                invoice=invoice,
                                position=1,
                                engagement=engagement,
                                description="Bench",
                                quantity=sum(e.hours for e in chunk),
                                unit_price=engagement.hourly_rate,
                                amount=amount,
                            ),
                            chunk,
                        )
                    )
            Invoice.objects.bulk_create(invoices, batch_size=BATCH)
            for line, _ in lines:
                line.invoice_id = line.invoice.pk
            InvoiceLine.objects.bulk_create([line for line, _ in lines], batch_size=BATCH)
            AllowanceStatement.objects.bulk_create([s for s, _ in statements], batch_size=BATCH)
            for line, chunk in lines:
                billed += [
                    BilledTimeEntry.of(e, invoice_line=line, amount=e.hours * line.unit_price)
                    for e in chunk
                ]
            for statement, chunk in statements:
                rate = statement.total / statement.hours
                billed += [
                    BilledTimeEntry.of(e, statement=statement, amount=e.hours * rate) for e in chunk
                ]
            BilledTimeEntry.objects.bulk_create(billed, batch_size=BATCH)
            # As the issuing services do.
            record_spend(*(line.invoice for line, _ in lines))
            record_spend(*(statement for statement, _ in statements))
        print(f"  {offset + BATCH:,} engagements seeded…")
    with connection.cursor() as cursor:
        # Requests published over the year, not all at the moment of seeding.
        cursor.execute(
            "UPDATE requests_supportrequest SET created_at = "
            "make_timestamptz(%s, 1, 1, 0, 0, 0) + (period_start - make_date(%s, 1, 1) - 10) "
            "* interval '1 day' WHERE title LIKE 'Bench audit request %%'",
            [YEAR, YEAR],
        )
    _seed_payouts(rng)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded the audit bench in {time.perf_counter() - started:.0f} s")


def _document(engagement, first: date, amount: Decimal, n: int, kind: str) -> dict:
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return {
        "number": f"{YEAR}-{n + 1:04d}",
        "series": f"bench-{kind}-{engagement.pk}",
        "sequence": n + 1,
        "customer_id": engagement.organisation_id,
        "supplier_id": engagement.partner_id,
        "issue_date": last + timedelta(days=1),
        "due_date": last + timedelta(days=15),
        "period_start": first,
        "period_end": last,
        "total": amount,
        "payment_reference": f"B{kind}{engagement.pk:09d}{n:04d}",
    }


def _seed_payouts(rng) -> None:
    """50,000 paid payouts on the bench's fully paid documents (once)."""
    from django.db import transaction
    from django.utils import timezone

    from payments.models import AllowanceStatement, Invoice, Payout

    existing = Payout.objects.filter(idempotency_key__startswith="bench-").count()
    if existing >= PAYOUTS:
        return
    now = timezone.now()
    invoices = Invoice.objects.filter(series__startswith="bench-").values_list(
        "pk", "supplier_id", "total"
    )[: PAYOUTS * 4 // 5]
    statements = AllowanceStatement.objects.filter(series__startswith="bench-").values_list(
        "pk", "supplier_id", "total"
    )[: PAYOUTS // 5]
    payouts = []
    for field, rows in (("invoice_id", invoices), ("statement_id", statements)):
        for pk, supplier, total in rows:
            days = rng.choice([2, 3, 5, 7, 9, 14, 21])
            payouts.append(
                Payout(
                    partner_id=supplier,
                    amount=total,
                    method="sepa",
                    state="paid",
                    idempotency_key=f"bench-{field}-{pk}",
                    approved_at=now - timedelta(days=days),
                    paid_at=now,
                    days_to_payout=days,
                    **{field: pk},
                )
            )
    with transaction.atomic():
        Payout.objects.bulk_create(payouts, batch_size=BATCH, ignore_conflicts=True)
    print(f"seeded {len(payouts):,} paid payouts")


def matching_codes() -> list[str]:
    from bench.matching import HAAGLANDEN

    return HAAGLANDEN


def _measure() -> dict[str, float]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from geo.models import Municipality
    from payments.reports import coverage_map, exports, figures
    from payments.reports.periods import year

    municipality = Municipality.objects.get(code="GM0518")
    period = year(YEAR)
    known = {}
    parts = {
        "facts (spend, hours, keys)": lambda: known.update(
            facts=figures.facts(municipality, period)
        ),
        "totals": lambda: figures.totals(municipality, period, known["facts"]),
        "breakdowns (8)": lambda: figures.breakdowns(municipality, period, known["facts"]),
        "spend per month": lambda: figures.spend_by_month(municipality, period, known["facts"]),
        "equal footing": lambda: figures.footing(municipality, period, known["facts"]),
        "fairness": lambda: figures.fairness(municipality, period),
        "unmet by language and district": lambda: exports.unmet_table(municipality, period),
        "coverage map": lambda: coverage_map.coverage(municipality, period),
    }
    best = {name: float("inf") for name in parts}
    queries = 0
    for _ in range(3):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            for name, part in parts.items():
                started = time.perf_counter()
                part()
                best[name] = min(best[name], (time.perf_counter() - started) * 1000)
        queries = len(captured)
    total = sum(best.values())
    print(f"audit dashboard, {municipality.name} {YEAR} ({queries} queries):")
    for name, ms in best.items():
        print(f"  {name:32s} {ms:8.1f} ms")
    print(f"  {'total':32s} {total:8.1f} ms   (target < 1000 ms)")
    return {"audit_total_ms": total, **{f"audit_{k}_ms": v for k, v in best.items()}}
