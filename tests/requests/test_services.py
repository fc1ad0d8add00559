"""Posting and editing support requests through the services: validation, place, permissions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.models import AuditEntry, OrganisationKind, Role, VerificationStatus
from requests import services
from requests.models import Mode, Requirement, Status, SupportRequest
from requests.services import LanguageNeed
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, member
from tests.requests.factories import SupportRequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("places")]


def fields(**overrides) -> dict:
    today = timezone.localdate()
    values = {
        "title": "Uitleg jeugdhulp aan Eritrese ouders",
        "expertise": "explaining-system",
        "community": "eritrean",
        "place": "Schildersbuurt-West",
        "mode": Mode.IN_PERSON,
        "hours_estimated": Decimal("12"),
        "period_start": today + timedelta(days=14),
        "period_end": today + timedelta(days=70),
        "budget_ceiling": Decimal("540"),
        "response_deadline": today + timedelta(days=7),
        "description": "Zes moeders willen weten wat het jeugdteam doet.",
        "internal_notes": "Aanleiding: casuïstiekoverleg.",
        "languages": [LanguageNeed("ti"), LanguageNeed("am", Requirement.PREFERRED)],
    }
    values.update(overrides)
    return values


def test_a_coordinator_posts_a_draft_with_languages_and_an_audit_entry(coordinator, care_org):
    request = services.request_create(actor=coordinator, organisation=care_org, **fields())

    request.refresh_from_db()
    assert request.status == Status.DRAFT
    assert request.created_by == coordinator
    assert request.neighbourhood.code == "BU05182915" and request.postcode_area is None
    assert request.budget_ceiling == Decimal("540.00")
    assert [(n.language.code, n.requirement) for n in request.languages.all()] == [
        ("ti", "required"),
        ("am", "preferred"),
    ]
    entry = AuditEntry.objects.get(action="support_request.created")
    assert entry.actor == coordinator and entry.object_id == str(request.pk)
    assert "Eritrese" not in str(entry.data)  # field values stay out of the audit trail


def test_publish_at_creation_opens_the_request(coordinator, care_org):
    request = services.request_create(
        actor=coordinator, organisation=care_org, publish=True, **fields()
    )

    assert request.status == Status.OPEN
    assert AuditEntry.objects.filter(action="support_request.open").exists()


def test_money_and_hours_are_rounded_to_cents(coordinator, care_org):
    request = services.request_create(
        actor=coordinator,
        organisation=care_org,
        **fields(budget_ceiling="99.995", hours_estimated="1.125"),
    )

    assert request.budget_ceiling == Decimal("100.00")
    assert request.hours_estimated == Decimal("1.13")


def test_a_four_digit_postcode_is_kept_with_its_neighbourhood(coordinator, care_org, places):
    request = services.request_create(
        actor=coordinator, organisation=care_org, **fields(place="2572")
    )

    assert request.postcode_area == places.pc_2572
    assert request.neighbourhood == places.transvaal_noord


@pytest.mark.parametrize("place", ["BU05182916", "bu05182916", "Schildersbuurt-Noord, Den Haag"])
def test_a_neighbourhood_by_code_or_name(coordinator, care_org, places, place):
    request = services.request_create(
        actor=coordinator, organisation=care_org, **fields(place=place)
    )

    assert request.neighbourhood == places.schilders_noord


def test_a_district_stands_for_its_central_neighbourhood(coordinator, care_org, places):
    request = services.request_create(
        actor=coordinator, organisation=care_org, **fields(place="Schilderswijk")
    )

    assert request.neighbourhood.district.code == "WK051829"


@pytest.mark.parametrize("place", ["2525 AB", "2525ab", "2525 AB 12", "2526JV 12a"])
def test_a_full_postcode_is_refused_and_never_stored(coordinator, care_org, place):
    with pytest.raises(DomainError) as caught:
        services.request_create(actor=coordinator, organisation=care_org, **fields(place=place))

    assert caught.value.field == "place"
    assert "4 digits" in caught.value.message and "address" in caught.value.message
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize(
    ("place", "message"),
    [
        ("Atlantis", "No Dutch municipality, district or neighbourhood is called “Atlantis”"),
        ("9999", "Postcode 9999 does not exist"),
        ("252", "just its 4 digits"),
        ("25 25 5", "just its 4 digits"),
        ("", "Enter a postcode or the name of a place"),
        ("Den Haag", "is a whole municipality"),
        ("BU99999999", "There is no municipality, district or neighbourhood with code"),
    ],
)
def test_an_unknown_or_vague_place_gives_a_clear_field_error(coordinator, care_org, place, message):
    with pytest.raises(DomainError) as caught:
        services.request_create(actor=coordinator, organisation=care_org, **fields(place=place))

    assert caught.value.field == "place"
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"hours_estimated": Decimal("0")}, "hours_estimated", "more than 0"),
        ({"hours_estimated": Decimal("-2")}, "hours_estimated", "more than 0"),
        ({"budget_ceiling": Decimal("-1")}, "budget_ceiling", "cannot be negative"),
        (
            {"period_end": timezone.localdate() + timedelta(days=1)},
            "period_end",
            "cannot end before it starts",
        ),
        (
            {"response_deadline": timezone.localdate() + timedelta(days=100)},
            "response_deadline",
            "cannot be after the end of the period",
        ),
        ({"description": "Bel 06-12345678"}, "description", "Remove “06-12345678”"),
        ({"title": "Gezin op 2525 AB 12"}, "title", "Remove “2525 AB 12” (an address)"),
        ({"internal_notes": "BSN 123456782"}, "internal_notes", "citizen service number"),
        ({"title": "  "}, "title", "title"),
        ({"expertise": "astrology"}, "expertise", "Unknown choice"),
        ({"languages": [LanguageNeed("ti"), LanguageNeed("ti", "preferred")]}, "languages", "once"),
        ({"languages": [LanguageNeed("xx")]}, "languages", "Unknown choice"),
    ],
)
def test_invalid_values_give_clear_field_errors(coordinator, care_org, overrides, field, message):
    with pytest.raises(DomainError) as caught:
        services.request_create(actor=coordinator, organisation=care_org, **fields(**overrides))

    assert caught.value.field == field
    assert message in caught.value.message
    assert not SupportRequest.objects.exists()


def test_a_deadline_in_the_past_may_be_drafted_but_not_published(coordinator, care_org):
    past = fields(response_deadline=timezone.localdate() - timedelta(days=1))

    with pytest.raises(DomainError) as caught:
        services.request_create(actor=coordinator, organisation=care_org, publish=True, **past)
    draft = services.request_create(actor=coordinator, organisation=care_org, **past)
    with pytest.raises(DomainError) as on_publish:
        services.request_publish(actor=coordinator, request=draft)

    assert caught.value.field == on_publish.value.field == "response_deadline"
    assert "has passed" in caught.value.message
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_an_admin_of_the_care_organisation_may_post(care_org):
    admin = MembershipFactory(organisation=care_org, role=Role.ADMIN).user

    request = services.request_create(actor=admin, organisation=care_org, **fields())

    assert request.organisation == care_org


def test_a_key_person_cannot_post():
    key_person = member(Role.KEY_PERSON)
    mzo = key_person.memberships.get().organisation

    with pytest.raises(PermissionDenied):
        services.request_create(actor=key_person, organisation=mzo, **fields())


def test_a_coordinator_cannot_post_for_another_organisation(coordinator):
    other = OrganisationFactory(kind=OrganisationKind.CARE)

    with pytest.raises(PermissionDenied):
        services.request_create(actor=coordinator, organisation=other, **fields())


def test_an_unverified_care_organisation_cannot_post_or_publish(care_org, coordinator):
    draft = SupportRequestFactory(
        organisation=care_org, created_by=coordinator, status=Status.DRAFT
    )
    care_org.verification_status = VerificationStatus.PENDING
    care_org.save()

    with pytest.raises(PermissionDenied) as on_create:
        services.request_create(actor=coordinator, organisation=care_org, **fields())
    with pytest.raises(PermissionDenied) as on_publish:
        services.request_publish(actor=coordinator, request=draft)

    assert on_create.value.code == on_publish.value.code == "organisation_unverified"
    assert "not verified yet" in on_create.value.message


def test_staff_may_post_only_for_a_care_organisation():
    staff = UserFactory(is_staff=True)
    mzo = OrganisationFactory(kind=OrganisationKind.MZO)

    with pytest.raises(DomainError) as caught:
        services.request_create(actor=staff, organisation=mzo, **fields())

    assert "care organisations" in caught.value.message


def test_update_changes_only_the_given_fields_and_resolves_the_place(coordinator, care_org, places):
    request = services.request_create(actor=coordinator, organisation=care_org, **fields())

    services.request_update(
        actor=coordinator,
        request=request,
        place="2525",
        hours_estimated=Decimal("8"),
        languages=[LanguageNeed("ary")],
    )

    request.refresh_from_db()
    assert request.postcode_area == places.pc_2525
    assert request.neighbourhood == places.schilders_west
    assert request.hours_estimated == Decimal("8.00")
    assert request.title == "Uitleg jeugdhulp aan Eritrese ouders"
    assert [n.language.code for n in request.languages.all()] == ["ary"]
    entry = AuditEntry.objects.get(action="support_request.updated")
    assert entry.data["fields"] == ["hours_estimated", "place", "languages"]


def test_update_checks_the_merged_values(coordinator, care_org):
    request = services.request_create(actor=coordinator, organisation=care_org, **fields())

    with pytest.raises(DomainError) as caught:
        services.request_update(
            actor=coordinator, request=request, period_end=request.period_start - timedelta(days=1)
        )

    assert caught.value.field == "period_end"


@pytest.mark.parametrize(
    "status", [Status.MATCHING, Status.FILLED, Status.COMPLETED, Status.CANCELLED, Status.EXPIRED]
)
def test_only_draft_and_open_requests_can_be_edited(coordinator, care_org, status):
    request = SupportRequestFactory(organisation=care_org, created_by=coordinator, status=status)

    with pytest.raises(Conflict) as caught:
        services.request_update(actor=coordinator, request=request, title="Nieuw")

    assert Status(status).label.lower() in caught.value.message


def test_update_refuses_unknown_fields(coordinator, care_org):
    request = SupportRequestFactory(organisation=care_org, created_by=coordinator)

    with pytest.raises(DomainError):
        services.request_update(actor=coordinator, request=request, status="completed")


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"hours_estimated": Decimal("0")}, "hours_positive"),
        ({"budget_ceiling": Decimal("-0.01")}, "budget_not_negative"),
        ({"status": "bogus"}, "status_valid"),
        ({"mode": "teleport"}, "mode_valid"),
    ],
)
def test_the_database_refuses_what_the_services_refuse(changes, constraint):
    request = SupportRequestFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        SupportRequest.objects.filter(pk=request.pk).update(**changes)


def test_the_database_refuses_a_period_that_ends_before_it_starts():
    request = SupportRequestFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        SupportRequest.objects.filter(pk=request.pk).update(
            period_end=request.period_start - timedelta(days=1)
        )
