"""Reads for hours, scoped by who is looking.

- The partner side: a key person for their own profile, the admin of an MZO for the profiles it
  dispatches (`PartnerProfile.objects.managed_by`), and the key persons of an MZO for the MZO's
  own profile (they do the MZO's work and log it).
- The care side: coordinators and admins of the engagement's care organisation.
- Platform staff see everything; anyone else nothing (a page or endpoint answers 404).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from marketplace.engagement_selectors import care_organisations_of, is_care_side
from marketplace.models import (
    Engagement,
    EngagementStatus,
    Membership,
    OrganisationKind,
    Role,
    TimeEntry,
    TimeEntryStatus,
)
from marketplace.permissions import is_authenticated
from partners.models import PartnerKind, PartnerProfile

ZERO_HOURS = Decimal("0.00")


def partner_profiles_for_hours(user) -> QuerySet[PartnerProfile]:
    """The partner profiles whose hours `user` logs and follows."""
    if not is_authenticated(user):
        return PartnerProfile.objects.none()
    key_person_of = Membership.objects.filter(
        user=user, is_active=True, role=Role.KEY_PERSON
    ).values("organisation")
    return PartnerProfile.objects.filter(
        Q(pk__in=PartnerProfile.objects.managed_by(user).values("pk"))
        | Q(kind=PartnerKind.MZO, organisation__in=key_person_of)
    )


def logs_for_partner(user, partner_id: int) -> bool:
    return partner_profiles_for_hours(user).filter(pk=partner_id).exists()


def approves_for(user, organisation_id: int) -> bool:
    """Whether `user` decides on hours for this care organisation (coordinator, admin, staff)."""
    return is_care_side(user, organisation_id)


def time_entries_visible_to(user) -> QuerySet[TimeEntry]:
    if not is_authenticated(user):
        return TimeEntry.objects.none()
    if user.is_staff:
        return TimeEntry.objects.all()
    return TimeEntry.objects.filter(
        Q(engagement__organisation__in=care_organisations_of(user))
        | Q(engagement__partner__in=partner_profiles_for_hours(user).values("pk"))
    )


def with_entry_details(queryset: QuerySet[TimeEntry]) -> QuerySet[TimeEntry]:
    return queryset.select_related(
        "engagement__organisation",
        "engagement__partner",
        "engagement__activity",
        "activity",
        "logged_by",
        "decided_by",
    )


def engagements_for_partner_side(user) -> QuerySet[Engagement]:
    """Engagements whose hours `user` logs ("My hours"): active ones first."""
    if not is_authenticated(user):
        return Engagement.objects.none()
    return Engagement.objects.filter(
        partner__in=partner_profiles_for_hours(user).values("pk")
    ).exclude(status=EngagementStatus.CANCELLED)


def engagements_with_hours_visible_to(user) -> QuerySet[Engagement]:
    """Engagements whose hours `user` may see: their care organisation's, or their own."""
    if not is_authenticated(user):
        return Engagement.objects.none()
    if user.is_staff:
        return Engagement.objects.all()
    return Engagement.objects.filter(
        Q(organisation__in=care_organisations_of(user))
        | Q(partner__in=partner_profiles_for_hours(user).values("pk"))
    )


def _hours_sum(status_filter: Q):
    return Coalesce(
        Sum("time_entries__hours", filter=status_filter),
        Value(ZERO_HOURS),
        output_field=DecimalField(max_digits=9, decimal_places=2),
    )


def with_hours(queryset: QuerySet[Engagement]) -> QuerySet[Engagement]:
    """Annotate `hours_submitted`, `hours_approved` and `hours_used` (the two together)."""
    counting = [TimeEntryStatus.SUBMITTED, TimeEntryStatus.APPROVED]
    return queryset.annotate(
        hours_submitted=_hours_sum(Q(time_entries__status=TimeEntryStatus.SUBMITTED)),
        hours_approved=_hours_sum(Q(time_entries__status=TimeEntryStatus.APPROVED)),
        hours_used=_hours_sum(Q(time_entries__status__in=counting)),
    )


@dataclass(frozen=True)
class HoursUsed:
    max_hours: Decimal
    submitted: Decimal
    approved: Decimal

    @property
    def used(self) -> Decimal:
        """Waiting for approval plus approved: what counts against the maximum."""
        return self.submitted + self.approved

    @property
    def remaining(self) -> Decimal:
        return max(self.max_hours - self.used, ZERO_HOURS)

    @property
    def percent_used(self) -> int:
        if self.max_hours <= 0:
            return 100
        return min(int(self.used * 100 / self.max_hours), 100)


def hours_used(engagement: Engagement) -> HoursUsed:
    totals = TimeEntry.objects.filter(engagement=engagement).aggregate(
        submitted=Sum("hours", filter=Q(status=TimeEntryStatus.SUBMITTED)),
        approved=Sum("hours", filter=Q(status=TimeEntryStatus.APPROVED)),
    )
    return HoursUsed(
        max_hours=engagement.max_hours,
        submitted=totals["submitted"] or ZERO_HOURS,
        approved=totals["approved"] or ZERO_HOURS,
    )


def entries_awaiting_approval(user) -> QuerySet[TimeEntry]:
    """Submitted hours on the engagements of the care organisations `user` coordinates, except
    hours `user` logged themself (someone else decides on those), oldest work first."""
    if not is_authenticated(user):
        return TimeEntry.objects.none()
    entries = TimeEntry.objects.filter(status=TimeEntryStatus.SUBMITTED).exclude(logged_by=user)
    if not user.is_staff:
        entries = entries.filter(engagement__organisation__in=care_organisations_of(user))
    return with_entry_details(entries).order_by("engagement_id", "work_date", "pk")


def is_hours_care_user(user) -> bool:
    """Whether the user coordinates for any care organisation (for the navigation)."""
    if not is_authenticated(user):
        return False
    return Membership.objects.filter(
        user=user,
        is_active=True,
        role__in=(Role.COORDINATOR, Role.ADMIN),
        organisation__kind=OrganisationKind.CARE,
    ).exists()
