"""The audit figures of one municipality and period, from the records themselves.

Spending is what the money documents say: invoice lines (credit-note lines count negative) and
the entries of volunteer allowance statements, both excluding VAT, attributed to the period the
document covers, read from their per-engagement summary written at issue (DocumentSpend).
Hours are approved time entries by their date. Each figure is a plain aggregate over rows an
auditor can drill down to, so the page reconciles with the documents exactly.
"""

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncMonth
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marketplace.models import Engagement, Invitation, Proposal, TimeEntry
from marketplace.money import ZERO, quantize_money
from partners.models import CompensationMode, PartnerKind
from payments.models import BilledTimeEntry, DocumentSpend, InvoiceLine, Payout, PayoutState
from payments.reports.periods import Period
from payments.reports.scope import contracted_elsewhere, engagement_place
from requests.models import RequestLanguage, Status, SupportRequest

# Breakdowns that could point at a family or a person hide rows with fewer engagements.
SMALL_COUNT = 5


class PartnerGroup:
    """The audit's partner kinds, derived from the profile and the engagement's terms."""

    MZO = "mzo"
    MZO_KEY_PERSON = "mzo_key_person"
    FREELANCER = "freelancer"
    INDEPENDENT = "independent"
    LABELS = {
        MZO: _("Migrant organisation"),
        MZO_KEY_PERSON: _("Key person of a migrant organisation"),
        FREELANCER: _("Freelancer"),
        INDEPENDENT: _("Independent key person"),
    }

    @staticmethod
    def expression(prefix: str = "") -> Case:
        return Case(
            When(**{f"{prefix}partner__kind": PartnerKind.MZO}, then=Value(PartnerGroup.MZO)),
            When(
                **{f"{prefix}partner__organisation__isnull": False},
                then=Value(PartnerGroup.MZO_KEY_PERSON),
            ),
            When(
                **{f"{prefix}compensation_mode": CompensationMode.INVOICE_PERSON},
                then=Value(PartnerGroup.FREELANCER),
            ),
            default=Value(PartnerGroup.INDEPENDENT),
            output_field=CharField(),
        )


@dataclass(frozen=True)
class Dimension:
    """A breakdown: the key path from an engagement, the label paths, and whether small rows
    are suppressed."""

    slug: str
    title: str
    key: str
    labels: tuple[str, ...] = ()
    suppress: bool = False
    additive: bool = True
    none_label: str = _("Not linked to a request (booked offer)")

    def label(self, values: dict, key) -> str:
        if self.slug == "partner_kind":
            return str(PartnerGroup.LABELS.get(key, key))
        if key is None:
            return str(self.none_label)
        parts = [values.get(path) for path in self.labels]
        if len(parts) == 2 and self.labels[0].endswith("_nl"):  # a taxonomy term: nl or en
            return parts[1] if (get_language() or "nl").startswith("en") else parts[0]
        return " · ".join(str(part) for part in parts if part)


DIMENSIONS = (
    Dimension("organisation", _("Care organisation"), "organisation_id", ("organisation__name",)),
    Dimension("partner_kind", _("Kind of partner"), "partner_kind"),
    Dimension(
        "partner",
        _("Partner"),
        "partner_id",
        ("partner__display_name", "partner__organisation__name"),
    ),
    Dimension(
        "district",
        _("District"),
        "request__neighbourhood__district_id",
        ("request__neighbourhood__district__name",),
        suppress=True,
    ),
    Dimension(
        "neighbourhood",
        _("Neighbourhood"),
        "request__neighbourhood_id",
        ("request__neighbourhood__name",),
        suppress=True,
    ),
    Dimension(
        "language",
        _("Language"),
        "request__languages__language_id",
        ("request__languages__language__name_nl", "request__languages__language__name_en"),
        suppress=True,
        additive=False,
        none_label=_("No language asked for, or a booked offer"),
    ),
    Dimension(
        "community",
        _("Community"),
        "request__community_id",
        ("request__community__name_nl", "request__community__name_en"),
        suppress=True,
        none_label=_("No community given, or a booked offer"),
    ),
    Dimension(
        "activity",
        _("Kind of work"),
        "activity_id",
        ("activity__name_nl", "activity__name_en"),
    ),
)
DIMENSION_BY_SLUG = {dimension.slug: dimension for dimension in DIMENSIONS}


@dataclass
class Row:
    key: object
    label: str
    spend: Decimal = ZERO
    hours: Decimal = ZERO
    engagements: int = 0
    suppressed: bool = False


@dataclass
class Breakdown:
    dimension: Dimension
    rows: list[Row]

    @property
    def suppressed_count(self) -> int:
        return sum(row.suppressed for row in self.rows)


@dataclass
class Totals:
    spend: Decimal
    invoiced: Decimal
    allowance: Decimal
    hours: Decimal
    engagements: int
    requests: int
    # Spent by care organisations the municipality contracts on work placed elsewhere: in scope
    # for its auditors, counted in the other municipality's figures, so never in `spend`.
    elsewhere: Decimal = ZERO


@dataclass
class Footing:
    """Equal footing: is the informal sector paid like the formal one, and on time?"""

    parity: list[dict]
    hours_by_mode: list[dict]
    requests_published: int
    requests_matched: int
    median_days_to_match: float | None
    payout_days_median: float | None = None
    payout_days_p90: float | None = None
    payouts_counted: int = 0
    paid_out: Decimal = ZERO

    @property
    def match_share(self) -> float | None:
        if not self.requests_published:
            return None
        return self.requests_matched / self.requests_published


@dataclass
class Fairness:
    partners_engaged: int
    engagements: int
    top_decile_share: float | None
    partners_proposed: int
    chosen_from_proposals: int
    chosen_outside_proposals: int
    per_partner: list[int] = field(default_factory=list)


# --- the record sets, all scoped to one municipality and period -------------------------------


def _engagements_in(municipality, elsewhere: bool) -> Q:
    return contracted_elsewhere(municipality) if elsewhere else engagement_place(municipality)


def invoice_lines(municipality, period: Period, *, elsewhere: bool = False):
    """The invoice lines of the period placed in the municipality, or with `elsewhere` those of
    its contracted care organisations placed in another."""
    return InvoiceLine.objects.filter(
        engagement__in=Engagement.objects.filter(_engagements_in(municipality, elsewhere)),
        invoice__period_start__gte=period.start,
        invoice__period_start__lte=period.end,
    )


def statement_entries(municipality, period: Period, *, elsewhere: bool = False):
    # The place as a set of engagements (a hashed semi-join), not a join per billed entry.
    return BilledTimeEntry.objects.filter(
        engagement__in=Engagement.objects.filter(_engagements_in(municipality, elsewhere)),
        statement__isnull=False,
        statement__period_start__gte=period.start,
        statement__period_start__lte=period.end,
    )


def approved_entries(municipality, period: Period):
    return TimeEntry.objects.approved().filter(
        engagement_place(municipality, "engagement__"),
        work_date__gte=period.start,
        work_date__lte=period.end,
    )


def engagements(municipality, period: Period):
    """Live engagements whose agreed period overlaps the audit period."""
    return Engagement.objects.live().filter(
        engagement_place(municipality),
        period_start__lte=period.end,
        period_end__gte=period.start,
    )


def requests(municipality, period: Period):
    """Requests placed in the municipality and published in the period (drafts never count)."""
    start, after = period.moments()
    return SupportRequest.objects.filter(
        neighbourhood__municipality=municipality, created_at__gte=start, created_at__lt=after
    ).exclude(status=Status.DRAFT)


# --- figures ---------------------------------------------------------------------------------


@dataclass
class Facts:
    """Spend and hours per engagement, spend per month, and dimension keys per engagement, read
    once: the totals, every breakdown, spend over time and hours by way of payment are
    regroupings of these, so the dashboard scans the big tables once instead of once per figure."""

    invoiced: dict  # engagement id → amount
    allowance: dict  # engagement id → amount
    monthly: dict  # first day of month → amount
    hours: dict  # engagement id → hours
    counted: set  # live engagements overlapping the period
    attributes: dict  # engagement id → values row of its dimension keys and labels
    languages: dict  # request id → [(language id, label values)]
    payouts: dict  # (document kind, id) → (state, amount, days to payout) of its payout

    def spend_of(self, engagement_id) -> Decimal:
        return self.invoiced.get(engagement_id, ZERO) + self.allowance.get(engagement_id, ZERO)

    def __post_init__(self):
        # (attributes row, spend, hours, counted 0/1) per engagement: what every breakdown sums.
        self.per_engagement = [
            (
                row,
                self.spend_of(engagement_id),
                self.hours.get(engagement_id, ZERO),
                int(engagement_id in self.counted),
            )
            for engagement_id, row in self.attributes.items()
        ]


def document_spend(municipality, period: Period):
    """The spend rows of the documents (invoices, credit notes, statements) of the period, filed
    under the municipality: one per document and engagement (payments.spend)."""
    return DocumentSpend.objects.filter(
        municipality=municipality,
        period_start__gte=period.start,
        period_start__lte=period.end,
    )


def _spend_by_engagement(spend) -> tuple[dict, dict]:
    """({engagement id: invoiced}, {engagement id: allowance})."""
    invoiced, allowance = {}, {}
    for engagement_id, by_invoice, by_statement in (
        spend.values_list("engagement_id")
        .annotate(
            invoiced=Sum("amount", filter=Q(invoice__isnull=False)),
            allowance=Sum("amount", filter=Q(statement__isnull=False)),
        )
        .order_by()
    ):
        if by_invoice is not None:
            invoiced[engagement_id] = by_invoice
        if by_statement is not None:
            allowance[engagement_id] = by_statement
    return invoiced, allowance


def _spend_by_month(spend) -> dict:
    """{first day of month: amount}; the month as a date, computed by the database."""
    return dict(
        spend.annotate(month=Cast(TruncMonth("period_start"), DateField()))
        .values_list("month")
        .annotate(total=Sum("amount"))
        .order_by()
    )


def _payouts(spend) -> dict:
    """{(document kind, id): (state, amount, days to payout)} of the documents' payouts."""
    found = {}
    for invoice_id, statement_id, state, amount, days in Payout.objects.filter(
        Q(invoice__in=spend.filter(invoice__isnull=False).values("invoice"))
        | Q(statement__in=spend.filter(statement__isnull=False).values("statement"))
    ).values_list("invoice_id", "statement_id", "state", "amount", "days_to_payout"):
        key = ("invoice", invoice_id) if invoice_id else ("statement", statement_id)
        found[key] = (state, amount, days)
    return found


def facts(municipality, period: Period) -> Facts:
    spend = document_spend(municipality, period)
    invoiced, allowance = _spend_by_engagement(spend)
    monthly = _spend_by_month(spend)
    payouts = _payouts(spend)
    hours = dict(
        approved_entries(municipality, period)
        .values_list("engagement_id")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    counted = set(engagements(municipality, period).values_list("pk", flat=True))
    wanted = set(invoiced) | set(allowance) | set(hours) | counted
    paths = {"request_id", "compensation_mode"} | {
        path for d in DIMENSIONS if d.slug != "language" for path in (d.key, *d.labels)
    } - {"partner_kind"}
    attributes = {
        row["pk"]: row
        for row in Engagement.objects.filter(engagement_place(municipality))
        .annotate(partner_kind=PartnerGroup.expression())
        .values("pk", "partner_kind", *sorted(paths))
        if row["pk"] in wanted
    }
    languages = defaultdict(list)
    for row in RequestLanguage.objects.filter(
        request__engagements__municipality=municipality
    ).values("request_id", "language_id", "language__name_nl", "language__name_en"):
        labels = {
            "request__languages__language__name_nl": row["language__name_nl"],
            "request__languages__language__name_en": row["language__name_en"],
        }
        languages[row["request_id"]].append((row["language_id"], labels))
    return Facts(invoiced, allowance, monthly, hours, counted, attributes, languages, payouts)


def totals(municipality, period: Period, known: Facts | None = None) -> Totals:
    known = known or facts(municipality, period)
    invoiced = sum(known.invoiced.values(), ZERO)
    allowance = sum(known.allowance.values(), ZERO)
    return Totals(
        spend=quantize_money(invoiced + allowance),
        invoiced=quantize_money(invoiced),
        allowance=quantize_money(allowance),
        hours=sum(known.hours.values(), ZERO),
        engagements=len(known.counted),
        requests=requests(municipality, period).count(),
        elsewhere=quantize_money(
            DocumentSpend.objects.filter(
                contracted_elsewhere(municipality, "engagement__"),
                period_start__gte=period.start,
                period_start__lte=period.end,
            ).aggregate(total=Sum("amount"))["total"]
            or ZERO
        ),
    )


def _breakdown(known: Facts, dimension: Dimension) -> Breakdown:
    """One regrouping of the per-engagement figures; labels are made once per row."""
    totals: dict[object, list] = {}  # key → [spend, hours, engagements, label values]

    def add(key, label_values, spend, hours, counted):
        total = totals.get(key)
        if total is None:
            totals[key] = [spend, hours, counted, label_values]
        else:
            total[0] += spend
            total[1] += hours
            total[2] += counted

    if dimension.slug == "language":  # a request may ask for several: non-additive
        for row, spend, hours, counted in known.per_engagement:
            for key, label_values in known.languages.get(row["request_id"]) or [(None, {})]:
                add(key, label_values, spend, hours, counted)
    else:
        field = dimension.key
        for row, spend, hours, counted in known.per_engagement:
            add(row[field], row, spend, hours, counted)
    rows = [
        Row(
            key=key,
            label=dimension.label(label_values, key),
            spend=quantize_money(spend),
            hours=hours,
            engagements=count,
            suppressed=dimension.suppress and count < SMALL_COUNT,
        )
        for key, (spend, hours, count, label_values) in totals.items()
    ]
    ordered = sorted(rows, key=lambda row: (-row.spend, -row.engagements, row.label))
    return Breakdown(dimension=dimension, rows=ordered)


def breakdowns(municipality, period: Period, known: Facts | None = None) -> list[Breakdown]:
    """Every breakdown of the dashboard."""
    known = known or facts(municipality, period)
    return [_breakdown(known, dimension) for dimension in DIMENSIONS]


def breakdown(municipality, period: Period, dimension: Dimension) -> Breakdown:
    return _breakdown(facts(municipality, period), dimension)


def spend_by_month(municipality, period: Period, known: Facts | None = None) -> list[tuple]:
    """[(first day of month, spend)] for every month of the period, zero where nothing was."""
    known = known or facts(municipality, period)
    return [(month, quantize_money(known.monthly.get(month, ZERO))) for month in period.months()]


def footing(municipality, period: Period, known: Facts | None = None) -> Footing:
    known = known or facts(municipality, period)
    scoped = engagements(municipality, period)
    english = (get_language() or "nl").startswith("en")
    parity = []
    for row in (
        scoped.filter(reference_rate__gt=0)
        .values("activity_id", "activity__name_nl", "activity__name_en")
        .annotate(
            count=Count("id"),
            below=Count("id", filter=Q(hourly_rate__lt=F("reference_rate"))),
            agreed=Sum("hourly_rate"),
            reference=Sum("reference_rate"),
        )
        .order_by("activity__name_nl")
    ):
        parity.append(
            {
                "activity": row["activity__name_en" if english else "activity__name_nl"],
                "engagements": row["count"],
                "below_parity": row["below"],
                "average_rate": quantize_money(row["agreed"] / row["count"]),
                "average_reference": quantize_money(row["reference"] / row["count"]),
                "index": round(float(row["agreed"] / row["reference"]), 2),
            }
        )
    by_mode = defaultdict(lambda: ZERO)
    for engagement_id, hours in known.hours.items():
        by_mode[known.attributes[engagement_id]["compensation_mode"]] += hours
    total_hours = sum(by_mode.values(), ZERO)
    hours_by_mode = [
        {
            "mode": str(CompensationMode(mode).label),
            "hours": hours,
            "share": float(hours / total_hours) if total_hours else 0.0,
        }
        for mode, hours in sorted(by_mode.items(), key=lambda item: -item[1])
    ]
    published = requests(municipality, period)
    matched = (
        published.annotate(
            first_engagement=Min(
                "engagements__created_at", filter=~Q(engagements__status="cancelled")
            )
        )
        .filter(first_engagement__isnull=False)
        # The wait as one interval per request: thousands of timestamps are slow to read.
        .annotate(
            waited=ExpressionWrapper(F("first_engagement") - F("created_at"), DurationField())
        )
    )
    days = [waited.total_seconds() / 86400 for waited in matched.values_list("waited", flat=True)]
    paid = [
        (amount, waited)
        for state, amount, waited in known.payouts.values()
        if state == PayoutState.PAID
    ]
    payout_days = sorted(waited for _, waited in paid)
    return Footing(
        parity=parity,
        hours_by_mode=hours_by_mode,
        requests_published=published.count(),
        requests_matched=len(days),
        median_days_to_match=round(statistics.median(days), 1) if days else None,
        payout_days_median=statistics.median(payout_days) if payout_days else None,
        payout_days_p90=_percentile(payout_days, 0.9),
        payouts_counted=len(payout_days),
        paid_out=quantize_money(sum((amount for amount, _ in paid), ZERO)),
    )


def _percentile(ordered: list, share: float):
    """Nearest-rank percentile of an ordered list (None when empty)."""
    if not ordered:
        return None
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def fairness(municipality, period: Period) -> Fairness:
    start, after = period.moments()
    started = Engagement.objects.live().filter(
        engagement_place(municipality), created_at__gte=start, created_at__lt=after
    )
    per_partner = sorted(
        (row["count"] for row in started.values("partner").annotate(count=Count("id"))),
        reverse=True,
    )
    total = sum(per_partner)
    top = math.ceil(len(per_partner) / 10)
    from_proposals = started.filter(invitation__proposal__isnull=False).count()
    scoped_requests = requests(municipality, period)
    return Fairness(
        partners_engaged=len(per_partner),
        engagements=total,
        top_decile_share=(sum(per_partner[:top]) / total) if total else None,
        partners_proposed=Proposal.objects.filter(request__in=scoped_requests)
        .values("partner")
        .distinct()
        .count(),
        chosen_from_proposals=from_proposals,
        chosen_outside_proposals=started.filter(
            Q(invitation__isnull=True)
            | Q(
                invitation__in=Invitation.objects.filter(proposal__isnull=True),
            )
        ).count(),
        per_partner=per_partner,
    )


def unmet_by_language_and_district(municipality, period: Period) -> dict:
    """Requests that found nobody, counted per requested language and district."""
    unmet = (
        requests(municipality, period)
        .filter(status__in=(Status.OPEN, Status.MATCHING, Status.EXPIRED))
        .exclude(engagements__status__in=("active", "completed"))
    )
    english = (get_language() or "nl").startswith("en")
    language_name = "languages__language__name_en" if english else "languages__language__name_nl"
    counts = (
        unmet.filter(languages__isnull=False)
        .values(language_name, "neighbourhood__district__name")
        .annotate(count=Count("id", distinct=True))
        .order_by()
    )
    cells = defaultdict(dict)
    districts = set()
    for row in counts:
        district = row["neighbourhood__district__name"] or "—"
        districts.add(district)
        cells[row[language_name]][district] = row["count"]
    return {"districts": sorted(districts), "rows": sorted(cells.items())}
