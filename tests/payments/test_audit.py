"""The municipal audit: figures reconcile with the documents, scope keeps municipalities apart,
small counts stay hidden, exports equal the page."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from marketplace.models import Role
from payments.models import DocumentSpend
from payments.reports import exports, figures
from payments.reports.coverage_map import coverage
from payments.reports.periods import month, period_from, year
from payments.spend import record_spend
from tests.factories import (
    MembershipFactory,
)
from tests.partners.factories import KeyPersonProfileFactory
from tests.payments.audit_factories import AUDIT_YEAR, build_audit_world

pytestmark = pytest.mark.django_db

SPEND = ("invoice", "statement", "engagement", "municipality", "period_start", "amount")


@pytest.fixture
def audit(places):
    return build_audit_world()


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


def test_payouts_reconcile_and_give_the_days_from_approval(audit):
    footing = figures.footing(audit["haag"], year(AUDIT_YEAR))

    assert footing.paid_out == audit["invoice"].total + audit["statement"].total
    assert footing.payouts_counted == 2
    assert footing.payout_days_median == 4.5
    assert footing.payout_days_p90 == 6


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


def test_the_map_counts_each_listed_partner_once_per_district_it_serves_or_is_based_in(places):
    KeyPersonProfileFactory(  # based in and serving Schilderswijk: once there
        base_neighbourhood=places.schilders_west,
        neighbourhoods=[places.schilders_west, places.schilders_noord],
    )
    KeyPersonProfileFactory(  # based in Transvaal, serving Schilderswijk: once in each
        base_neighbourhood=places.transvaal_noord, neighbourhoods=[places.schilders_noord]
    )
    KeyPersonProfileFactory(  # Delft: not Den Haag's supply
        base_neighbourhood=places.delft_centrum, neighbourhoods=[places.delft_centrum]
    )
    KeyPersonProfileFactory(  # not published: no supply
        base_neighbourhood=places.duindorp, neighbourhoods=[places.duindorp], is_published=False
    )

    areas = {a.code: a for a in coverage(places.den_haag, year(AUDIT_YEAR))["areas"]}

    assert (areas["WK051829"].supply, areas["WK051830"].supply) == (2, 1)
    assert areas["WK051808"].supply == 0
    assert all(a.level == "none" for a in areas.values())  # no requests in this world


def test_work_elsewhere_by_contracted_care_organisations_is_shown_apart(client, audit):
    period, query = year(AUDIT_YEAR), {"period": "year", "value": AUDIT_YEAR}
    in_delft = audit["delft_invoice"]
    in_delft.customer.contracted_by.add(audit["haag"])  # Den Haag buys care from them

    haag, delft = figures.totals(audit["haag"], period), figures.totals(audit["delft"], period)

    assert haag.elsewhere == in_delft.subtotal and haag.spend == Decimal("177.50")
    assert delft.spend == in_delft.subtotal and delft.elsewhere == 0  # counted where it happened
    client.force_login(audit["haag_auditor"])
    dashboard = client.get(reverse("audit:dashboard"), query).content.decode()
    assert "scope=elsewhere" in dashboard
    behind = client.get(reverse("audit:documents"), {**query, "scope": "elsewhere"}).context
    assert [invoice.number for invoice in behind["invoices"]] == [in_delft.number]
    assert behind["invoices_total"] == in_delft.subtotal and not behind["statements"]
    client.force_login(audit["delft_auditor"])  # Delft contracts nobody
    behind = client.get(reverse("audit:documents"), {**query, "scope": "elsewhere"}).context
    assert not behind["invoices"] and not behind["statements"]


def test_spend_rows_are_written_for_several_documents_at_once_as_for_one(audit):
    invoices = [audit["invoice"], audit["credited"], audit["credit_note"], audit["delft_invoice"]]
    written = sorted(DocumentSpend.objects.filter(invoice__in=invoices).values_list(*SPEND))
    DocumentSpend.objects.filter(invoice__in=invoices).delete()

    record_spend(*invoices)

    assert sorted(DocumentSpend.objects.filter(invoice__in=invoices).values_list(*SPEND)) == written
    assert len(written) == 4
    with pytest.raises(TypeError):
        record_spend(audit["invoice"], audit["statement"])
