"""factory_boy factories shared by all test packages."""

import factory
from factory.django import DjangoModelFactory

from geo.models import District, Municipality, Neighbourhood
from marketplace.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
    VerificationStatus,
)

PASSWORD = "correct-horse-battery-staple"


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"GM{9000 + n % 1000:04d}")
    name = factory.Sequence(lambda n: f"Gemeente {n}")
    search_name = factory.LazyAttribute(lambda o: o.name.lower())
    lat = 52.07
    lon = 4.30


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"WK{o.municipality.code[2:]}{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Wijk {n}")
    search_name = factory.LazyAttribute(lambda o: o.name.lower())
    lat = 52.07
    lon = 4.30


class NeighbourhoodFactory(DjangoModelFactory):
    class Meta:
        model = Neighbourhood
        django_get_or_create = ["code"]

    district = factory.SubFactory(DistrictFactory)
    municipality = factory.SelfAttribute("district.municipality")
    code = factory.LazyAttributeSequence(lambda o, n: f"BU{o.district.code[2:]}{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Buurt {n}")
    search_name = factory.LazyAttribute(lambda o: o.name.lower())
    lat = 52.07
    lon = 4.30


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="nl_NL")
    # Assertions read English (see conftest); Dutch rendering is tested explicitly.
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = OrganisationKind.CARE
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    verification_status = VerificationStatus.VERIFIED
    municipality = factory.SubFactory(MunicipalityFactory)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.COORDINATOR


def member(role: str = Role.COORDINATOR, **org_kwargs) -> User:
    """A user with one active membership in a new organisation of the kind that fits the role."""
    kind = {
        Role.COORDINATOR: OrganisationKind.CARE,
        Role.KEY_PERSON: OrganisationKind.MZO,
        Role.AUDITOR: OrganisationKind.MUNICIPALITY,
    }.get(role, OrganisationKind.CARE)
    org_kwargs.setdefault("kind", kind)
    organisation = org_kwargs.pop("organisation", None) or OrganisationFactory(**org_kwargs)
    return MembershipFactory(organisation=organisation, role=role).user
