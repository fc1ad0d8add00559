"""Demo rate cards and hours: reference rates of formal professionals for the demo municipalities
(2025 and 2026, every kind of work), and hours on a few demo engagements, approved last month
(input for month-end invoicing and allowance statements) and waiting this month.

Idempotent: rate cards are updated in place; engagements are keyed by their description and
hours are only added to an engagement that has none. When the demo has no engagements of its
own yet, three are made from offers (booked in the past, so hours can already be logged).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from geo.models import Municipality
from marketplace import demo
from marketplace.models import (
    Engagement,
    EngagementStatus,
    Membership,
    Organisation,
    Role,
    TimeEntry,
    TimeEntryStatus,
    User,
)
from marketplace.services.engagements import offer_hourly_rate
from partners.models import CompensationMode, Expertise, Offer, PartnerKind, PartnerProfile
from payments.models import RateCard
from payments.rates import reference_rate_for

# Reference hourly rates of a formal professional (2026, Den Haag), per kind of work.
REFERENCE_2026 = {
    "explaining-system": Decimal("58.00"),
    "bridging": Decimal("62.00"),
    "accompanying": Decimal("52.00"),
    "outreach": Decimal("55.00"),
    "cultural-advice": Decimal("68.00"),
    "case-consultation": Decimal("75.00"),
    "training": Decimal("85.00"),
    "interpreting": Decimal("57.50"),
    "parenting-group": Decimal("60.00"),
}
# Municipalities differ a little; 2025 was about 3% lower.
MUNICIPALITY_FACTOR = {
    "GM0518": Decimal("1.00"),
    "GM0503": Decimal("0.97"),
    "GM0637": Decimal("0.95"),
}
YEAR_FACTOR = {2025: Decimal("0.97"), 2026: Decimal("1.00")}
DEFAULT_RATE = Decimal("60.00")


@dataclass(frozen=True)
class DemoEngagement:
    description: str
    organisation: str  # name
    partner_email: str | None  # key person's e-mail; None for the MZO's own profile
    mzo_kvk: str | None  # the MZO whose own profile works
    expertise: str
    max_hours: Decimal
    logger_email: str | None = None  # who logs for an MZO profile


ENGAGEMENTS = [
    DemoEngagement(
        "Voorlichting jeugdhulp voor moeders in de Schilderswijk",
        "Jeugdteam Den Haag Centrum",
        None,
        "72345678",
        "outreach",
        Decimal("40.00"),
        logger_email="khadija@moedergroep-schilderswijk.test",
    ),
    DemoEngagement(
        "Begeleiding van een gezin naar het wijkteam",
        "Jeugdteam Den Haag Centrum",
        "amina.belkacem@sleutelpersoon.test",
        None,
        "bridging",
        Decimal("24.00"),
    ),
    DemoEngagement(
        "Cultureel advies bij casuïstiekbesprekingen",
        "Stichting Jeugdhulp Haaglanden",
        None,
        None,
        "cultural-advice",
        Decimal("30.00"),
    ),
]

# (day of the month, hours, note): last month's approved hours, this month's waiting ones.
LAST_MONTH = [
    (3, "2.5", "Huisbezoek met de jeugdconsulent."),
    (8, "3", "Voorlichtingsbijeenkomst."),
    (14, "1.5", "Telefonisch overleg met het team."),
    (21, "4", "Begeleiding naar afspraak."),
    (27, "2", "Nagesprek en verslag."),
]
THIS_MONTH = [(1, "2", "Kennismaking in de buurt."), (2, "1.75", "Overleg met de coördinator.")]


def seed_rate_cards() -> int:
    count = 0
    expertise = {e.code: e for e in Expertise.objects.all()}
    for municipality in Municipality.objects.filter(code__in=[c for c, _ in demo.MUNICIPALITIES]):
        factor = MUNICIPALITY_FACTOR.get(municipality.code, Decimal("1"))
        for year, year_factor in YEAR_FACTOR.items():
            for code, kind in expertise.items():
                rate = REFERENCE_2026.get(code, DEFAULT_RATE) * factor * year_factor
                RateCard.objects.update_or_create(
                    municipality=municipality,
                    year=year,
                    expertise=kind,
                    defaults={"hourly_rate": rate.quantize(Decimal("0.01"))},
                )
                count += 1
    return count


def _partner(spec: DemoEngagement) -> PartnerProfile | None:
    if spec.mzo_kvk:
        return PartnerProfile.objects.filter(
            kind=PartnerKind.MZO, organisation__kvk_number=spec.mzo_kvk
        ).first()
    if spec.partner_email:
        return PartnerProfile.objects.filter(user__email=spec.partner_email).first()
    # The first listed freelancer (zzp) in the directory.
    return (
        PartnerProfile.objects.listed()
        .filter(kind=PartnerKind.KEY_PERSON, compensation_mode=CompensationMode.INVOICE_PERSON)
        .order_by("pk")
        .first()
    )


def _offer(partner: PartnerProfile, spec: DemoEngagement) -> Offer:
    offer = partner.offers.order_by("pk").first()
    if offer is not None:
        return offer
    return Offer.objects.create(
        partner=partner,
        title=spec.description,
        description="Op afspraak, in de buurt of online.",
        expertise=Expertise.objects.get(code=spec.expertise),
        duration_hours=Decimal("2.00"),
        price=partner.hourly_rate * 2,
    )


def _coordinators(organisation: Organisation) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=organisation, is_active=True, role__in=[Role.COORDINATOR, Role.ADMIN]
        )
        .select_related("user")
        .order_by("pk")
    ]


def _engagement(spec: DemoEngagement, start: date, end: date) -> Engagement | None:
    organisation = Organisation.objects.filter(name=spec.organisation).first()
    partner = _partner(spec)
    if organisation is None or partner is None or not _coordinators(organisation):
        return None
    existing = Engagement.objects.filter(
        organisation=organisation, partner=partner, description=spec.description
    ).first()
    if existing is not None:
        return existing
    offer = _offer(partner, spec)
    expertise = Expertise.objects.get(code=spec.expertise)
    rate = partner.hourly_rate if partner.hourly_rate else offer_hourly_rate(offer)
    return Engagement.objects.create(
        organisation=organisation,
        partner=partner,
        offer=offer,
        activity=expertise,
        description=spec.description,
        hourly_rate=rate,
        max_hours=spec.max_hours,
        reference_rate=reference_rate_for(organisation.municipality_id, start.year, expertise),
        period_start=start,
        period_end=end,
        compensation_mode=partner.compensation_mode,
        status=EngagementStatus.ACTIVE,
        created_by=_coordinators(organisation)[0],
    )


def _logger(spec: DemoEngagement, engagement: Engagement) -> User | None:
    if spec.logger_email:
        return User.objects.filter(email=spec.logger_email).first()
    return engagement.partner.user


def _seed_entries(spec: DemoEngagement, engagement: Engagement, today: date) -> int:
    if engagement.time_entries.exists():
        return 0
    logger = _logger(spec, engagement)
    deciders = [u for u in _coordinators(engagement.organisation) if u != logger]
    if logger is None or not deciders:
        return 0
    last_month_end = today.replace(day=1) - timedelta(days=1)
    count = 0
    for day, hours, note in LAST_MONTH:
        work_date = last_month_end.replace(day=min(day, last_month_end.day))
        TimeEntry.objects.create(
            engagement=engagement,
            work_date=work_date,
            hours=Decimal(hours),
            activity=engagement.activity,
            note=note,
            status=TimeEntryStatus.APPROVED,
            logged_by=logger,
            decided_by=deciders[0],
            decided_at=timezone.now(),
        )
        count += 1
    for day, hours, note in THIS_MONTH:
        work_date = today.replace(day=min(day, today.day))
        TimeEntry.objects.create(
            engagement=engagement,
            work_date=work_date,
            hours=Decimal(hours),
            activity=engagement.activity,
            note=note,
            logged_by=logger,
        )
        count += 1
    return count


@transaction.atomic
def seed_hours() -> tuple[int, int]:
    """Rate cards and demo hours; returns (rate card entries, time entries created)."""
    cards = seed_rate_cards()
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1) - timedelta(days=28)
    end = today + timedelta(days=60)
    entries = 0
    for spec in ENGAGEMENTS:
        engagement = _engagement(spec, start.replace(day=1), end)
        if engagement is not None:
            entries += _seed_entries(spec, engagement, today)
    return cards, entries
