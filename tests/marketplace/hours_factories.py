"""A small world for the hours tests: a care organisation with two coordinators, an active
engagement with an independent key person (period around today), and one of an MZO's own
profile whose key person logs for it."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from marketplace.models import Engagement, OrganisationKind, Role, TimeEntryStatus, User
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.marketplace.engagement_factories import (
    EngagementFactory,
    OfferFactory,
    TimeEntryFactory,
    care_organisation,
    den_haag,
)
from tests.partners.factories import KeyPersonProfileFactory, MzoProfileFactory


def today():
    return timezone.localdate()


def days_ago(n: int):
    return today() - timedelta(days=n)


def running_engagement(partner, organisation, created_by, **kwargs) -> Engagement:
    kwargs.setdefault("max_hours", Decimal("40.00"))
    kwargs.setdefault("hourly_rate", Decimal("30.00"))
    # Paid by invoice: the allowance caps have their own tests (tests/payments).
    kwargs.setdefault("compensation_mode", "invoice_person")
    return EngagementFactory(
        offer=OfferFactory(partner=partner),
        organisation=organisation,
        created_by=created_by,
        period_start=days_ago(60),
        period_end=today() + timedelta(days=30),
        **kwargs,
    )


@dataclass
class HoursWorld:
    care_org: object
    coordinator: User
    second_coordinator: User
    partner_user: User
    engagement: Engagement
    mzo_key_person: User
    mzo_admin: User
    mzo_engagement: Engagement
    other_partner_user: User
    other_engagement: Engagement  # another partner, another care organisation
    other_coordinator: User


def build_hours_world() -> HoursWorld:
    care_org = care_organisation(name="Jeugdteam Schilderswijk")
    coordinator = MembershipFactory(organisation=care_org, role=Role.COORDINATOR).user
    second = MembershipFactory(organisation=care_org, role=Role.ADMIN).user
    partner = KeyPersonProfileFactory(
        display_name="Mebrat", user=UserFactory(email="mebrat@example.org")
    )
    engagement = running_engagement(partner, care_org, coordinator)

    mzo = MzoProfileFactory(
        display_name="Stichting Brug",
        organisation=OrganisationFactory(kind=OrganisationKind.MZO, municipality=den_haag()),
    )
    mzo_admin = MembershipFactory(organisation=mzo.organisation, role=Role.ADMIN).user
    mzo_key_person = MembershipFactory(organisation=mzo.organisation, role=Role.KEY_PERSON).user
    mzo_engagement = running_engagement(mzo, care_org, coordinator)

    other_org = care_organisation(name="Andere Zorg")
    other_coordinator = MembershipFactory(organisation=other_org, role=Role.COORDINATOR).user
    other_partner = KeyPersonProfileFactory(
        display_name="Selam", user=UserFactory(email="selam@example.org")
    )
    other_engagement = running_engagement(other_partner, other_org, other_coordinator)
    return HoursWorld(
        care_org=care_org,
        coordinator=coordinator,
        second_coordinator=second,
        partner_user=partner.user,
        engagement=engagement,
        mzo_key_person=mzo_key_person,
        mzo_admin=mzo_admin,
        mzo_engagement=mzo_engagement,
        other_partner_user=other_partner.user,
        other_engagement=other_engagement,
        other_coordinator=other_coordinator,
    )


def approved_entry(engagement, decided_by, **kwargs):
    return TimeEntryFactory(
        engagement=engagement,
        status=TimeEntryStatus.APPROVED,
        decided_by=decided_by,
        decided_at=timezone.now(),
        **kwargs,
    )
