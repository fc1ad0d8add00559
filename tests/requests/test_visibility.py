"""Who sees which request: the owning organisation all of its own, partners the open ones
relevant to them (language and area), staff everything."""

import pytest

from marketplace.models import OrganisationKind, Role
from requests.models import Mode, Status, SupportRequest
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, member
from tests.requests.factories import SupportRequestFactory, partner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("places")]


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_coordinators_and_admins_see_all_of_their_organisations_requests_only(care_org):
    own = [
        SupportRequestFactory(organisation=care_org, status=s, title=f"A {s}")
        for s in Status.values
    ]
    SupportRequestFactory(title="B open")
    coordinator = MembershipFactory(organisation=care_org, role=Role.COORDINATOR).user
    admin = MembershipFactory(organisation=care_org, role=Role.ADMIN).user
    former = MembershipFactory(organisation=care_org, role=Role.COORDINATOR, is_active=False).user

    assert titles(SupportRequest.objects.visible_to(coordinator)) == {r.title for r in own}
    assert titles(SupportRequest.objects.visible_to(admin)) == {r.title for r in own}
    assert titles(SupportRequest.objects.visible_to(former)) == set()


def test_staff_see_everything_and_anonymous_nothing():
    SupportRequestFactory.create_batch(2)

    assert SupportRequest.objects.visible_to(UserFactory(is_staff=True)).count() == 2
    assert not SupportRequest.objects.visible_to(None).exists()


def test_members_of_other_kinds_see_nothing_without_a_partner_profile():
    SupportRequestFactory()

    for role in (Role.KEY_PERSON, Role.AUDITOR):
        assert not SupportRequest.objects.visible_to(member(role)).exists()


def test_a_partner_sees_open_and_matching_requests_in_a_language_they_speak(places):
    user, profile = partner(languages=["ti"], neighbourhoods=[places.schilders_west])
    SupportRequestFactory(title="open ti", languages=["ti"])
    SupportRequestFactory(
        title="matching ti", languages=[("ti", "preferred")], status=Status.MATCHING
    )
    SupportRequestFactory(title="open no language")
    SupportRequestFactory(title="open ary", languages=["ary"])
    for status in (
        Status.DRAFT,
        Status.FILLED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
        Status.CANCELLED,
        Status.EXPIRED,
    ):
        SupportRequestFactory(title=f"{status} ti", languages=["ti"], status=status)

    expected = {"open ti", "matching ti", "open no language"}
    assert titles(SupportRequest.objects.relevant_to_partner(profile)) == expected
    assert titles(SupportRequest.objects.visible_to(user)) == expected


def test_area_served_neighbourhood_same_municipality_radius_or_online(places):
    _, profile = partner(
        languages=["ar"],
        neighbourhoods=[places.transvaal_noord],
        base=places.transvaal_noord,
        radius=10,
    )
    SupportRequestFactory(title="served", neighbourhood=places.transvaal_noord)
    SupportRequestFactory(title="same municipality", neighbourhood=places.duindorp)
    SupportRequestFactory(title="within radius (Delft, ~7 km)", neighbourhood=places.delft_centrum)
    SupportRequestFactory(
        title="too far (Zoetermeer, ~14 km)", neighbourhood=places.stadscentrum_zm
    )
    SupportRequestFactory(
        title="online far away", neighbourhood=places.stadscentrum_zm, mode=Mode.ONLINE
    )

    assert titles(SupportRequest.objects.relevant_to_partner(profile)) == {
        "served",
        "same municipality",
        "within radius (Delft, ~7 km)",
    }


def test_online_work_reaches_partners_who_work_online(places):
    _, online_only = partner(in_person=False, online=True)
    _, both = partner(online=True, neighbourhoods=[places.delft_centrum], radius=0)
    SupportRequestFactory(title="online", mode=Mode.ONLINE, neighbourhood=places.stadscentrum_zm)
    SupportRequestFactory(title="either", mode=Mode.EITHER, neighbourhood=places.stadscentrum_zm)
    SupportRequestFactory(
        title="in person", mode=Mode.IN_PERSON, neighbourhood=places.stadscentrum_zm
    )
    SupportRequestFactory(title="in person in Delft", neighbourhood=places.delft_centrum)

    assert titles(SupportRequest.objects.relevant_to_partner(online_only)) == {"online", "either"}
    assert titles(SupportRequest.objects.relevant_to_partner(both)) == {
        "online",
        "either",
        "in person in Delft",
    }


def test_an_online_request_is_not_shown_to_a_partner_who_only_works_in_person(places):
    _, profile = partner(neighbourhoods=[places.schilders_west])
    SupportRequestFactory(title="online", mode=Mode.ONLINE)

    assert not SupportRequest.objects.relevant_to_partner(profile).exists()


def test_an_mzo_admin_sees_what_is_relevant_to_any_profile_they_manage(places):
    from partners.models import Language, PartnerKind, PartnerLanguage, PartnerProfile

    mzo = OrganisationFactory(kind=OrganisationKind.MZO)
    admin = MembershipFactory(organisation=mzo, role=Role.ADMIN).user
    profile = PartnerProfile.objects.create(
        kind=PartnerKind.MZO, organisation=mzo, display_name=mzo.name
    )
    profile.neighbourhoods.set([places.schilders_west])
    PartnerLanguage.objects.create(
        profile=profile, language=Language.objects.get(code="pap"), proficiency="native"
    )
    SupportRequestFactory(title="pap", languages=["pap"])
    SupportRequestFactory(title="pl", languages=["pl"])

    assert titles(SupportRequest.objects.visible_to(admin)) == {"pap"}


def test_a_coordinator_who_is_also_a_partner_sees_both(care_org, places):
    coordinator = MembershipFactory(organisation=care_org, role=Role.COORDINATOR).user
    partner(user=coordinator, languages=["so"], neighbourhoods=[places.schilders_west])
    SupportRequestFactory(organisation=care_org, title="own draft", status=Status.DRAFT)
    SupportRequestFactory(title="other's open so", languages=["so"])
    SupportRequestFactory(title="other's draft so", languages=["so"], status=Status.DRAFT)

    assert titles(SupportRequest.objects.visible_to(coordinator)) == {
        "own draft",
        "other's open so",
    }
