"""Demo data for the volunteer allowance: two independent volunteers who worked for the demo
youth team last month (approved hours), and that month's statements. Idempotent: running it
again adds nothing. The lead calls `issue_last_month_statements()` from seed_demo."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from marketplace.models import (
    Engagement,
    Organisation,
    Role,
    TimeEntry,
    TimeEntryStatus,
)
from partners.models import CompensationMode, Expertise, Offer, PartnerKind, PartnerProfile
from payments.months import month_bounds, previous_month
from payments.services.statements import statements_issue_for_month

DEMO_ORGANISATION = "Jeugdteam Den Haag Centrum"
OFFER_TITLE = "Meegaan naar afspraken met ouders (vrijwilliger)"
# Hours per volunteer last month: the second one nears the monthly maximum (a notice shows).
HOURS = [
    [Decimal("3.00"), Decimal("2.50"), Decimal("4.00")],
    [Decimal("8.00"), Decimal("8.00"), Decimal("8.00"), Decimal("8.00")],
]


def _volunteers() -> list[PartnerProfile]:
    return list(
        PartnerProfile.objects.filter(
            kind=PartnerKind.KEY_PERSON,
            organisation__isnull=True,
            compensation_mode=CompensationMode.ALLOWANCE,
            user__isnull=False,
        ).order_by("pk")[: len(HOURS)]
    )


@transaction.atomic
def seed_allowance_hours() -> int:
    """Approved allowance hours of last month for the demo youth team; returns entries added."""
    organisation = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
    if organisation is None:
        return 0
    coordinator = (
        organisation.memberships.filter(role=Role.COORDINATOR, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    expertise = Expertise.objects.filter(code="bridging").first() or Expertise.objects.first()
    if coordinator is None or expertise is None:
        return 0
    year, month = previous_month()
    start, end = month_bounds(year, month)
    added = 0
    for partner, hours in zip(_volunteers(), HOURS, strict=False):
        offer, _ = Offer.objects.get_or_create(
            partner=partner,
            title=OFFER_TITLE,
            defaults={
                "description": "Ik ga mee naar afspraken met jeugdhulp en help ouders het "
                "gesprek te voeren, in hun eigen taal.",
                "expertise": expertise,
                "duration_hours": Decimal("3.00"),
                "price": Decimal("17.25"),
                "in_person": True,
                "online": False,
            },
        )
        engagement, created = Engagement.objects.get_or_create(
            organisation=organisation,
            offer=offer,
            period_start=start,
            defaults={
                "partner": partner,
                "activity": expertise,
                "description": OFFER_TITLE,
                "hourly_rate": Decimal("5.75"),
                "max_hours": Decimal("40"),
                "period_end": end,
                "compensation_mode": CompensationMode.ALLOWANCE,
                "created_by": coordinator.user,
            },
        )
        if not created:
            continue
        for day, amount in enumerate(hours):
            work_date = start + timedelta(days=2 + 7 * day)
            TimeEntry.objects.create(
                engagement=engagement,
                work_date=work_date,
                hours=amount,
                activity=expertise,
                note="Gesprek met ouders en het jeugdteam",
                status=TimeEntryStatus.APPROVED,
                logged_by=partner.user,
                decided_by=coordinator.user,
                decided_at=timezone.make_aware(datetime.combine(work_date, time(17))),
            )
            added += 1
    return added


def issue_last_month_statements(today: date | None = None) -> int:
    """Seed last month's demo hours (once) and issue that month's statements; returns how many
    statements were issued now."""
    seed_allowance_hours()
    year, month = previous_month(today)
    return len(statements_issue_for_month(year, month).issued)
