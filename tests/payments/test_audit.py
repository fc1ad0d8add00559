"""The municipal audit: figures reconcile with the documents, scope keeps municipalities apart,
small counts stay hidden, exports equal the page."""

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.models import OrganisationKind, Role, TimeEntryStatus
from payments import ledger
from payments.models import (
    AllowanceStatement,
    BilledTimeEntry,
    Invoice,
    InvoiceLine,
    LedgerEventKind,
)
from payments.numbering import next_number, payment_reference
from payments.reports import exports, figures
from payments.reports.periods import month, period_from, year
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

pytestmark = pytest.mark.django_db

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
                BilledTimeEntry.objects.create(time_entry=entry, invoice_line=line, amount=amount)
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
            BilledTimeEntry.objects.create(time_entry=entry, statement=statement, amount=amount)
        ledger.append(
            kind=LedgerEventKind.ALLOWANCE_STATEMENT_ISSUED,
            amount=total,
            obj=statement,
            payer=statement.customer,
            payee=statement.supplier,
            reference=statement.number,
        )
    return statement


@pytest.fixture
def audit(places):
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


def test_totals_reconcile_with_the_documents_both_ways(audit):
    period = year(AUDIT_YEAR)
    totals = figures.totals(audit["haag"], period)

    documents = (
        sum(d.subtotal for d in (audit["invoice"], audit["credited"], audit["credit_note"]))
        + audit["statement"].total
    )
    assert totals.spend == documents == Decimal("177.50")  # 150.00 + 40 − 40 + 27.50
    assert totals.invoiced == Decimal("150.00")
    assert totals.allowance == Decimal("27.50")
    assert totals.hours == Decimal("9.75")
    for dimension in figures.DIMENSIONS:
        if dimension.additive:
            rows = figures.breakdown(audit["haag"], period, dimension).rows
            assert sum(row.spend for row in rows) == totals.spend, dimension.slug
            assert sum(row.hours for row in rows) == totals.hours, dimension.slug


def test_the_documents_behind_a_figure_add_up_to_it_with_their_ledger_rows(client, audit):
    client.force_login(audit["haag_auditor"])
    care = audit["care"]

    response = client.get(
        reverse("audit:documents"),
        {"period": "year", "value": AUDIT_YEAR, "dimension": "organisation", "key": care.pk},
    )

    assert response.status_code == 200
    numbers = {d.number for d in response.context["invoices"]}
    assert numbers == {
        audit["invoice"].number,
        audit["credited"].number,
        audit["credit_note"].number,
    }
    assert audit["delft_invoice"].customer_name not in response.content.decode()
    shown = response.context["invoices_total"] + response.context["statements_total"]
    assert shown == figures.totals(audit["haag"], year(AUDIT_YEAR)).spend
    assert all(len(d.ledger_entries) == 1 for d in response.context["invoices"])


def test_an_auditor_sees_only_their_own_municipality(client, api_client, audit):
    client.force_login(audit["delft_auditor"])
    api_client.force_authenticate(audit["delft_auditor"])
    haag = {"municipality": "GM0518", "period": "year", "value": AUDIT_YEAR}

    assert client.get(reverse("audit:dashboard"), haag).status_code == 403
    assert client.get(reverse("audit:documents"), haag).status_code == 403
    assert client.get(reverse("audit:export", args=["totals", "csv"]), haag).status_code == 403
    assert client.get(reverse("audit:report"), haag).status_code == 403
    assert api_client.get(reverse("api-audit"), haag).status_code == 403

    own = client.get(reverse("audit:dashboard"), {"period": "year", "value": AUDIT_YEAR})
    assert own.status_code == 200
    assert own.context["municipality"] == audit["delft"]
    assert own.context["totals"].spend == audit["delft_invoice"].subtotal
    assert audit["care"].name not in own.content.decode()


def test_a_care_coordinator_cannot_open_the_audit(client, api_client, audit):
    coordinator = MembershipFactory(organisation=audit["care"], role=Role.COORDINATOR).user
    client.force_login(coordinator)
    api_client.force_authenticate(coordinator)

    assert client.get(reverse("audit:dashboard")).status_code == 403
    assert client.get(reverse("audit:documents")).status_code == 403
    assert api_client.get(reverse("api-audit")).status_code == 403
    client.logout()
    assert client.get(reverse("audit:dashboard")).status_code == 302  # to the login page


def test_small_counts_are_hidden_where_they_could_point_at_a_person(client, audit):
    period = year(AUDIT_YEAR)
    district = figures.breakdown(audit["haag"], period, figures.DIMENSION_BY_SLUG["district"])
    assert district.rows and all(row.suppressed for row in district.rows)  # 2 engagements
    csv_text = exports.as_csv(exports.tables(audit["haag"], period)["district"])
    assert "<5" in csv_text and "150.00" not in csv_text

    organisations = figures.breakdown(
        audit["haag"], period, figures.DIMENSION_BY_SLUG["organisation"]
    )
    assert not any(row.suppressed for row in organisations.rows)


def test_the_xlsx_opens_and_its_totals_equal_the_page(client, audit):
    client.force_login(audit["haag_auditor"])
    query = {"period": "year", "value": AUDIT_YEAR}
    page = client.get(reverse("audit:dashboard"), query)

    response = client.get(reverse("audit:export", args=["all", "xlsx"]), query)

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    totals = {row[0]: row[1] for row in workbook["totals"].iter_rows(min_row=4, values_only=True)}
    assert Decimal(str(totals["Spend excl. VAT (€)"])) == page.context["totals"].spend
    organisation_rows = list(workbook["organisation"].iter_rows(min_row=4, values_only=True))
    assert sum(Decimal(str(row[1])) for row in organisation_rows) == page.context["totals"].spend


def test_the_api_gives_the_same_tables(api_client, audit):
    api_client.force_authenticate(audit["haag_auditor"])

    response = api_client.get(reverse("api-audit"), {"period": "month", "value": "2026-03"})

    assert response.status_code == 200
    totals = dict(response.json()["tables"]["totals"]["rows"])
    assert (
        Decimal(totals["Spend excl. VAT (€)"])
        == figures.totals(audit["haag"], month(2026, 3)).spend
    )
    bad = api_client.get(reverse("api-audit"), {"period": "month", "value": "maart"})
    assert bad.status_code == 400
    assert "2026-03" in bad.content.decode()


def test_the_dashboard_draws_charts_and_the_map(client, audit):
    client.force_login(audit["haag_auditor"])

    response = client.get(reverse("audit:dashboard"), {"period": "year", "value": AUDIT_YEAR})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="area area-') == 44  # Den Haag's districts
    schilders = next(a for a in response.context["map"]["areas"] if a.code == "WK051829")
    assert schilders.demand == 2 and schilders.demand_shown == "<5"
    assert 'class="chart-bar"' in html


@pytest.mark.parametrize(
    ("params", "start", "end"),
    [
        ({"period": "year", "value": "2025"}, date(2025, 1, 1), date(2025, 12, 31)),
        ({"period": "quarter", "value": "2026-q2"}, date(2026, 4, 1), date(2026, 6, 30)),
        ({"period": "month", "value": "2024-02"}, date(2024, 2, 1), date(2024, 2, 29)),
        (
            {"period": "custom", "start": "2026-01-15", "end": "2026-02-15"},
            date(2026, 1, 15),
            date(2026, 2, 15),
        ),
    ],
)
def test_periods_are_read_from_the_query(params, start, end):
    period = period_from(params)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    "params",
    [
        {"period": "month", "value": "2026-13"},
        {"period": "quarter", "value": "2026-Q5"},
        {"period": "custom", "start": "2026-02-15", "end": "2026-01-15"},
        {"period": "week", "value": "12"},
    ],
)
def test_an_unreadable_period_says_how_to_type_it(params):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        period_from(params)
