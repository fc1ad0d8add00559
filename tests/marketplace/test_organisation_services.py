import pytest
from django.core import mail
from django.db import IntegrityError

from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.models import (
    AuditEntry,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    VerificationStatus,
)
from marketplace.permissions import ensure_can_transact
from marketplace.services import organisations as services
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "name": "Moedergroep Transvaal",
    "kind": OrganisationKind.MZO,
    "kvk_number": "12345678",
    "admin_email": "Fatima@Example.org",
    "admin_full_name": "Fatima Amrani",
    "password": PASSWORD,
}


def test_register_creates_pending_organisation_with_its_admin(django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        organisation = services.organisation_register(**SIGN_UP)

    assert organisation.verification_status == VerificationStatus.PENDING
    membership = Membership.objects.get(organisation=organisation)
    assert membership.role == Role.ADMIN
    assert membership.user.email == "fatima@example.org"
    assert membership.user.check_password(PASSWORD)
    assert AuditEntry.objects.filter(action="organisation.registered").count() == 1
    assert [m.to for m in mail.outbox] == [[staff.email]]


@pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234567a", "", "abcdefgh"])
def test_register_refuses_a_bad_kvk_number_with_a_clear_error(kvk):
    with pytest.raises(DomainError) as error:
        services.organisation_register(**{**SIGN_UP, "kvk_number": kvk})

    assert error.value.field == "kvk_number"
    assert "8 digits" in error.value.message
    assert not Organisation.objects.exists()


def test_register_accepts_a_kvk_number_written_with_spaces():
    organisation = services.organisation_register(**{**SIGN_UP, "kvk_number": "1234 5678"})

    assert organisation.kvk_number == "12345678"


def test_register_refuses_a_duplicate_email_case_insensitively():
    UserFactory(email="fatima@example.org")

    with pytest.raises(Conflict) as error:
        services.organisation_register(**{**SIGN_UP, "admin_email": "FATIMA@example.org"})

    assert error.value.field == "admin_email"
    assert "already exists" in error.value.message
    assert not Organisation.objects.exists()


def test_register_refuses_a_duplicate_kvk_number():
    OrganisationFactory(kvk_number="12345678")

    with pytest.raises(Conflict) as error:
        services.organisation_register(**SIGN_UP)

    assert error.value.code == "duplicate_kvk"


def test_register_refuses_a_weak_password_and_keeps_nothing():
    with pytest.raises(DomainError) as error:
        services.organisation_register(**{**SIGN_UP, "password": "12345678"})

    assert error.value.field == "password"
    assert not Organisation.objects.exists()


def test_a_municipality_must_name_the_municipality_it_is():
    with pytest.raises(DomainError) as error:
        services.organisation_register(**{**SIGN_UP, "kind": OrganisationKind.MUNICIPALITY})

    assert error.value.field == "municipality"


def test_platform_kind_cannot_sign_up():
    with pytest.raises(DomainError):
        services.organisation_register(**{**SIGN_UP, "kind": OrganisationKind.PLATFORM})


def test_only_staff_verify_and_verification_unlocks_transactions():
    organisation = services.organisation_register(**SIGN_UP)
    admin = organisation.memberships.get().user
    with pytest.raises(PermissionDenied):
        ensure_can_transact(organisation)

    with pytest.raises(PermissionDenied):
        services.organisation_verify(actor=admin, organisation=organisation)

    staff = UserFactory(is_staff=True)
    verified = services.organisation_verify(actor=staff, organisation=organisation)
    again = services.organisation_verify(actor=staff, organisation=organisation)

    assert verified.is_verified and again.verified_by == staff
    ensure_can_transact(verified)
    assert AuditEntry.objects.filter(action="organisation.verified").count() == 1


def test_unverified_organisation_cannot_transact_with_a_clear_message():
    organisation = OrganisationFactory(verification_status=VerificationStatus.PENDING)

    with pytest.raises(PermissionDenied) as error:
        ensure_can_transact(organisation)

    assert error.value.code == "organisation_unverified"
    assert "not verified" in error.value.message


def test_update_is_for_admins_of_that_organisation_only():
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    coordinator = MembershipFactory(organisation=organisation, role=Role.COORDINATOR).user
    other_admin = MembershipFactory(role=Role.ADMIN).user

    for outsider in (coordinator, other_admin):
        with pytest.raises(PermissionDenied):
            services.organisation_update(actor=outsider, organisation=organisation, name="X")

    services.organisation_update(
        actor=admin, organisation=organisation, name="Nieuwe naam", postcode="2525ab"
    )
    organisation.refresh_from_db()
    assert (organisation.name, organisation.postcode) == ("Nieuwe naam", "2525 AB")


def test_update_refuses_fields_that_are_not_editable():
    organisation = OrganisationFactory(verification_status=VerificationStatus.PENDING)
    admin = MembershipFactory(organisation=organisation, role=Role.ADMIN).user

    with pytest.raises(DomainError):
        services.organisation_update(
            actor=admin, organisation=organisation, verification_status=VerificationStatus.VERIFIED
        )


def test_database_refuses_a_malformed_kvk_number_even_past_the_services():
    with pytest.raises(IntegrityError):
        OrganisationFactory(kvk_number="1234")


def test_database_refuses_a_municipality_without_a_place():
    with pytest.raises(IntegrityError):
        OrganisationFactory(kind=OrganisationKind.MUNICIPALITY, municipality=None)


def test_database_refuses_two_organisations_with_one_kvk_number():
    OrganisationFactory(kvk_number="87654321")
    with pytest.raises(IntegrityError):
        OrganisationFactory(kvk_number="87654321")


def test_audit_entries_cannot_be_changed():
    organisation = services.organisation_register(**SIGN_UP)
    entry = AuditEntry.objects.get()

    entry.action = "tampered"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert organisation.pk


def test_municipality_factory_sanity():
    assert MunicipalityFactory().code.startswith("GM")
