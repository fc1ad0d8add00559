from datetime import date

import pytest
from django.db import IntegrityError

from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.models import OrganisationKind, Role
from partners import services
from partners.models import PartnerKind, PartnerProfile
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.partners.factories import KeyPersonProfileFactory, taxonomy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _taxonomy():
    taxonomy()


@pytest.fixture
def mzo_admin():
    organisation = OrganisationFactory(kind=OrganisationKind.MZO, name="Moedergroep Laak")
    return MembershipFactory(organisation=organisation, role=Role.ADMIN).user


def test_independent_key_person_signs_up_with_a_draft_profile():
    profile = services.key_person_register(
        email="Amina@Example.org", full_name="Amina B", password=PASSWORD
    )

    assert profile.kind == PartnerKind.KEY_PERSON and profile.is_independent
    assert profile.user.email == "amina@example.org"
    assert not profile.is_listed


def test_profile_update_resolves_languages_neighbourhoods_and_taxonomy():
    buurt = NeighbourhoodFactory(name="Schildersbuurt-West", code="BU05182901")
    profile = KeyPersonProfileFactory()

    services.profile_update(
        actor=profile.user,
        profile=profile,
        languages=[{"code": "ti", "proficiency": "native"}, {"code": "nl", "proficiency": "basic"}],
        neighbourhoods=["BU05182901"],
        expertise=["bridging"],
        communities=["eritrean"],
        iban="nl91 abna 0417 1643 00",
        hourly_rate="5.755",
    )

    profile.refresh_from_db()
    assert {(pl.language.code, pl.proficiency) for pl in profile.languages.all()} == {
        ("ti", "native"),
        ("nl", "basic"),
    }
    assert list(profile.neighbourhoods.all()) == [buurt]
    assert profile.iban == "NL91ABNA0417164300"
    assert str(profile.hourly_rate) == "5.76"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("iban", "NL00 BANK 1234 5678 90", "IBAN"),
        ("vat_id", "NL123", "VAT"),
        ("kvk_number", "123", "8 digits"),
        ("postcode", "25251", "postcode"),
        ("languages", [{"code": "xx", "proficiency": "native"}], "Unknown"),
        ("expertise", ["astrology"], "Unknown"),
        ("neighbourhoods", ["Atlantis"], "Atlantis"),
        ("date_of_birth", date(2999, 1, 1), "past"),
    ],
)
def test_invalid_profile_data_gives_a_clear_field_error(field, value, message):
    profile = KeyPersonProfileFactory()

    with pytest.raises(DomainError) as error:
        services.profile_update(actor=profile.user, profile=profile, **{field: value})

    assert error.value.field == field
    assert message.lower() in error.value.message.lower()


def test_bio_may_not_carry_contact_data():
    profile = KeyPersonProfileFactory()

    with pytest.raises(DomainError) as error:
        services.profile_update(
            actor=profile.user, profile=profile, bio="Bel mij op 06-12345678 voor een afspraak"
        )

    assert error.value.field == "bio"
    assert "06-12345678" in error.value.message


def test_vat_rules_need_their_data():
    profile = KeyPersonProfileFactory()

    with pytest.raises(DomainError) as standard:
        services.profile_update(actor=profile.user, profile=profile, vat_code="standard_21")
    with pytest.raises(DomainError) as kor:
        services.profile_update(actor=profile.user, profile=profile, vat_code="kor")

    assert standard.value.field == "vat_id"
    assert kor.value.field == "vat_exemption_reason"


def test_publishing_needs_a_complete_profile_and_names_what_is_missing():
    profile = KeyPersonProfileFactory(is_published=False, compensation_mode="allowance")

    with pytest.raises(DomainError) as error:
        services.profile_publish(actor=profile.user, profile=profile)

    assert error.value.code == "profile_incomplete"
    assert "language" in error.value.message and "date of birth" in error.value.message


def test_a_complete_profile_publishes(mzo_admin):
    buurt = NeighbourhoodFactory()
    profile = KeyPersonProfileFactory(
        is_published=False,
        date_of_birth=date(1980, 5, 1),
        iban="NL91ABNA0417164300",
        languages=[("ar", "native")],
        expertise=["outreach"],
        neighbourhoods=[buurt],
    )

    services.profile_publish(actor=profile.user, profile=profile)

    profile.refresh_from_db()
    assert profile.is_published


def test_mzo_admin_creates_the_mzo_profile_and_members_profiles(mzo_admin):
    organisation = mzo_admin.memberships.get().organisation
    key_person = MembershipFactory(organisation=organisation, role=Role.KEY_PERSON).user

    mzo = services.profile_create_for_mzo(actor=mzo_admin, organisation=organisation)
    member = services.profile_create_for_key_person(
        actor=mzo_admin, user=key_person, organisation=organisation
    )

    assert mzo.display_name == "Moedergroep Laak" and mzo.kind == PartnerKind.MZO
    assert member.organisation == organisation and not member.is_independent
    assert set(PartnerProfile.objects.managed_by(mzo_admin)) == {mzo, member}
    assert list(PartnerProfile.objects.managed_by(key_person)) == [member]


def test_one_profile_per_mzo_and_per_person(mzo_admin):
    organisation = mzo_admin.memberships.get().organisation
    services.profile_create_for_mzo(actor=mzo_admin, organisation=organisation)

    with pytest.raises(Conflict):
        services.profile_create_for_mzo(actor=mzo_admin, organisation=organisation)
    with pytest.raises(IntegrityError):
        PartnerProfile.objects.create(
            kind=PartnerKind.MZO, organisation=organisation, display_name="Twin"
        )


def test_nobody_else_may_change_a_profile(mzo_admin):
    profile = KeyPersonProfileFactory()
    stranger = UserFactory()
    other_admin = mzo_admin

    for actor in (stranger, other_admin):
        with pytest.raises(PermissionDenied):
            services.profile_update(actor=actor, profile=profile, display_name="X")
        with pytest.raises(PermissionDenied):
            services.profile_publish(actor=actor, profile=profile)


def test_an_admin_cannot_create_a_profile_for_someone_outside_their_mzo(mzo_admin):
    organisation = mzo_admin.memberships.get().organisation
    outsider = UserFactory()

    with pytest.raises(DomainError):
        services.profile_create_for_key_person(
            actor=mzo_admin, user=outsider, organisation=organisation
        )


def test_only_staff_verify_profiles():
    profile = KeyPersonProfileFactory(verification_status="pending")

    with pytest.raises(PermissionDenied):
        services.profile_set_verification(actor=profile.user, profile=profile, status="verified")
    services.profile_set_verification(
        actor=UserFactory(is_staff=True), profile=profile, status="verified"
    )

    profile.refresh_from_db()
    assert profile.verification_status == "verified"


def test_age_bracket_follows_the_date():
    profile = KeyPersonProfileFactory(date_of_birth=date(2005, 6, 15))

    assert services.age_bracket_on(profile, date(2026, 6, 14)) == "under_21"
    assert services.age_bracket_on(profile, date(2026, 6, 15)) == "21+"


def test_offers_are_created_by_the_partner_and_guarded():
    profile = KeyPersonProfileFactory()
    offer = services.offer_create(
        actor=profile.user,
        partner=profile,
        title="Voorlichting jeugdhulp",
        description="Avond voor ouders over de jeugdhulp.",
        expertise="explaining-system",
        duration_hours="2",
        price="240",
        languages=["ti"],
    )

    with pytest.raises(DomainError) as error:
        services.offer_update(
            actor=profile.user, offer=offer, description="Mail naar info@example.org"
        )
    with pytest.raises(PermissionDenied):
        services.offer_update(actor=UserFactory(), offer=offer, title="Hijacked")

    assert error.value.field == "description"
    assert [lang.code for lang in offer.languages.all()] == ["ti"]
