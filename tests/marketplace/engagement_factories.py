"""Factories and a small world for the invitation and engagement tests: a verified care
organisation with a coordinator and an open request, two independent key persons, and an MZO
whose admin answers for a key person it dispatches."""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from marketplace.models import (
    Engagement,
    Invitation,
    OrganisationKind,
    Proposal,
    Role,
    TimeEntry,
    User,
)
from partners.models import Expertise, Offer, PartnerProfile, PricingUnit
from requests.models import SupportRequest
from tests.factories import (
    DistrictFactory,
    MembershipFactory,
    MunicipalityFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.partners.factories import KeyPersonProfileFactory, MzoProfileFactory
from tests.requests.factories import SupportRequestFactory


# One place for everything: the shared factories make a new municipality per organisation,
# and their codes run out (GM9999) in a long test session.
def den_haag():
    return MunicipalityFactory(code="GM0518", name="Den Haag")


def schilders_west():
    district = DistrictFactory(code="WK051829", name="Schildersbuurt", municipality=den_haag())
    return NeighbourhoodFactory(code="BU05182915", name="Schildersbuurt-West", district=district)


def care_organisation(**kwargs):
    kwargs.setdefault("kind", OrganisationKind.CARE)
    return OrganisationFactory(municipality=den_haag(), **kwargs)


class LocalRequestFactory(SupportRequestFactory):
    organisation = factory.LazyFunction(care_organisation)
    neighbourhood = factory.LazyFunction(schilders_west)


class ProposalFactory(DjangoModelFactory):
    class Meta:
        model = Proposal

    request = factory.SubFactory(LocalRequestFactory)
    partner = factory.SubFactory(KeyPersonProfileFactory)
    run = factory.LazyFunction(uuid.uuid4)
    rank = factory.Sequence(lambda n: n + 1)
    score = 0.8
    components = factory.LazyFunction(lambda: {"language": 1.0})
    reasons = factory.LazyFunction(lambda: ["speaks Tigrinya (native)"])
    explanation = "speaks Tigrinya (native); active in Schildersbuurt-West"


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    request = factory.SubFactory(LocalRequestFactory)
    partner = factory.SubFactory(KeyPersonProfileFactory)
    invited_by = factory.SelfAttribute("request.created_by")
    respond_before = factory.LazyFunction(lambda: timezone.now() + timedelta(days=5))


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    partner = factory.SubFactory(KeyPersonProfileFactory)
    title = "Voorlichting over jeugdhulp voor moeders"
    description = "Een bijeenkomst in de buurt, in het Tigrinya."
    expertise = factory.LazyFunction(lambda: Expertise.objects.get(code="explaining-system"))
    duration_hours = Decimal("3.00")
    pricing = PricingUnit.FIXED
    price = Decimal("100.00")


class EngagementFactory(DjangoModelFactory):
    """An engagement from a booked offer (no request)."""

    class Meta:
        model = Engagement

    offer = factory.SubFactory(OfferFactory)
    partner = factory.SelfAttribute("offer.partner")
    organisation = factory.LazyFunction(care_organisation)
    activity = factory.SelfAttribute("offer.expertise")
    hourly_rate = Decimal("33.33")
    max_hours = Decimal("3.00")
    period_start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    period_end = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    compensation_mode = "allowance"
    created_by = factory.LazyAttribute(
        lambda o: MembershipFactory(organisation=o.organisation, role=Role.COORDINATOR).user
    )


@dataclass
class World:
    coordinator: User
    support_request: SupportRequest
    a: PartnerProfile  # independent key person
    b: PartnerProfile  # another independent key person
    dispatched: PartnerProfile  # key person dispatched by an MZO
    mzo_admin: User
    mzo: PartnerProfile  # the MZO's own profile

    @property
    def care_org(self):
        return self.support_request.organisation


def build_world() -> World:
    care_org = care_organisation(name="Jeugdteam Schilderswijk")
    coordinator = MembershipFactory(organisation=care_org, role=Role.COORDINATOR).user
    support_request = LocalRequestFactory(organisation=care_org, created_by=coordinator)
    a = KeyPersonProfileFactory(
        display_name="Mebrat", user=UserFactory(email="mebrat@example.org"), hourly_rate="5.75"
    )
    b = KeyPersonProfileFactory(
        display_name="Selam", user=UserFactory(email="selam@example.org"), hourly_rate="5.50"
    )
    mzo = MzoProfileFactory(
        display_name="Stichting Brug",
        organisation=OrganisationFactory(kind=OrganisationKind.MZO, municipality=den_haag()),
    )
    mzo_admin = MembershipFactory(
        organisation=mzo.organisation,
        role=Role.ADMIN,
        user=UserFactory(email="admin@stichting-brug.example.org"),
    ).user
    dispatched_user = MembershipFactory(organisation=mzo.organisation, role=Role.KEY_PERSON).user
    dispatched = KeyPersonProfileFactory(
        display_name="Amina",
        user=dispatched_user,
        organisation=mzo.organisation,
        compensation_mode="invoice_org",
        hourly_rate="40.00",
    )
    return World(
        coordinator=coordinator,
        support_request=support_request,
        a=a,
        b=b,
        dispatched=dispatched,
        mzo_admin=mzo_admin,
        mzo=mzo,
    )


def other_coordinator() -> User:
    """A coordinator of another verified care organisation."""
    organisation = care_organisation(name="Andere Zorg")
    return MembershipFactory(organisation=organisation, role=Role.COORDINATOR).user


def in_days(days: float):
    return timezone.now() + timedelta(days=days)


class TimeEntryFactory(DjangoModelFactory):
    """Hours on an engagement, waiting for approval (set status/decided_* for other states)."""

    class Meta:
        model = TimeEntry

    engagement = factory.SubFactory(EngagementFactory)
    work_date = factory.SelfAttribute("engagement.period_start")
    hours = Decimal("2.00")
    activity = factory.SelfAttribute("engagement.activity")
    logged_by = factory.LazyAttribute(
        lambda o: (
            o.engagement.partner.user
            or UserFactory(email=f"logger{uuid.uuid4().hex[:8]}@example.org")
        )
    )
