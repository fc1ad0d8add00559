"""Factories for support requests and the partner profiles that see them."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from geo.models import Neighbourhood, PostcodeArea
from marketplace.models import OrganisationKind, Role
from partners.models import (
    Expertise,
    Language,
    PartnerKind,
    PartnerLanguage,
    PartnerProfile,
    Proficiency,
)
from requests.models import Mode, RequestLanguage, Requirement, Status, SupportRequest
from tests.factories import (
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    UserFactory,
)


class PostcodeAreaFactory(DjangoModelFactory):
    class Meta:
        model = PostcodeArea
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{9000 + n % 999}")
    place_name = "Den Haag"
    lat = factory.SelfAttribute("nearest_neighbourhood.lat")
    lon = factory.SelfAttribute("nearest_neighbourhood.lon")
    municipality = factory.SelfAttribute("nearest_neighbourhood.municipality")


def today():
    return timezone.localdate()


class SupportRequestFactory(DjangoModelFactory):
    """An open request by a coordinator of a verified care organisation, in two to six weeks."""

    class Meta:
        model = SupportRequest
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CARE)
    created_by = factory.LazyAttribute(
        lambda o: MembershipFactory(organisation=o.organisation, role=Role.COORDINATOR).user
    )
    title = factory.Sequence(lambda n: f"Uitleg jeugdhulp aan ouders {n}")
    expertise = factory.LazyFunction(lambda: Expertise.objects.get(code="explaining-system"))
    # Schildersbuurt-West from the `places` fixture, else a neighbourhood of its own.
    neighbourhood = factory.LazyFunction(
        lambda: Neighbourhood.objects.filter(code="BU05182915").first() or NeighbourhoodFactory()
    )
    mode = Mode.IN_PERSON
    hours_estimated = Decimal("12.00")
    period_start = factory.LazyFunction(lambda: today() + timedelta(days=14))
    period_end = factory.LazyFunction(lambda: today() + timedelta(days=42))
    budget_ceiling = Decimal("540.00")
    response_deadline = factory.LazyFunction(lambda: today() + timedelta(days=7))
    description = "Ouders willen weten wat het jeugdteam wel en niet doet."
    internal_notes = "Intern: afstemmen met het wijkteam."
    status = Status.OPEN

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        """languages=["ti", ("ary", "preferred")]"""
        if not create or not extracted:
            return
        for item in extracted:
            code, requirement = (item, Requirement.REQUIRED) if isinstance(item, str) else item
            RequestLanguage.objects.create(
                request=obj, language=Language.objects.get(code=code), requirement=requirement
            )


def partner(
    *, languages=(), neighbourhoods=(), base=None, radius=5, in_person=True, online=False, user=None
) -> tuple:
    """A key person with a profile: returns (user, profile)."""
    user = user or UserFactory()
    profile = PartnerProfile.objects.create(
        kind=PartnerKind.KEY_PERSON,
        user=user,
        display_name=user.full_name,
        base_neighbourhood=base,
        travel_radius_km=radius,
        in_person=in_person,
        online=online,
    )
    profile.neighbourhoods.set(neighbourhoods)
    for code in languages:
        PartnerLanguage.objects.create(
            profile=profile,
            language=Language.objects.get(code=code),
            proficiency=Proficiency.FLUENT,
        )
    return user, profile
