from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from marketplace.models import Membership, OrganisationInvitation, OrganisationKind, Role
from marketplace.models.organisations import InvitationStatus
from marketplace.services import organisations as services
from marketplace.tasks import expire_invitations_task
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mzo_admin():
    organisation = OrganisationFactory(kind=OrganisationKind.MZO)
    return MembershipFactory(organisation=organisation, role=Role.ADMIN).user


def _org(user):
    return user.memberships.get().organisation


def test_admin_invites_by_email_and_the_link_arrives(mzo_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_create(
            actor=mzo_admin,
            organisation=_org(mzo_admin),
            email=" Khadija@Example.org ",
            role=Role.KEY_PERSON,
        )

    assert invitation.email == "khadija@example.org"
    assert token not in invitation.token_hash
    assert len(mail.outbox) == 1
    assert f"/invitation/{token}/" in mail.outbox[0].body


def test_invitation_link_creates_the_account_and_membership(mzo_admin):
    _, token = services.invitation_create(
        actor=mzo_admin,
        organisation=_org(mzo_admin),
        email="khadija@example.org",
        role=Role.KEY_PERSON,
    )

    membership = services.invitation_accept_as_new_user(
        token=token, full_name="Khadija Bouzid", password=PASSWORD
    )

    assert membership.role == Role.KEY_PERSON
    assert membership.user.email == "khadija@example.org"
    assert OrganisationInvitation.objects.get().status == InvitationStatus.ACCEPTED


def test_existing_user_accepts_and_a_second_accept_changes_nothing(mzo_admin):
    person = UserFactory(email="naima@example.org")
    _, token = services.invitation_create(
        actor=mzo_admin,
        organisation=_org(mzo_admin),
        email="naima@example.org",
        role=Role.KEY_PERSON,
    )

    first = services.invitation_accept(token=token, user=person)
    second = services.invitation_accept(token=token, user=person)

    assert first.pk == second.pk
    assert Membership.objects.filter(user=person).count() == 1


def test_an_invitation_cannot_be_used_by_another_account(mzo_admin):
    _, token = services.invitation_create(
        actor=mzo_admin,
        organisation=_org(mzo_admin),
        email="naima@example.org",
        role=Role.KEY_PERSON,
    )
    intruder = UserFactory(email="intruder@example.org")

    with pytest.raises(PermissionDenied):
        services.invitation_accept(token=token, user=intruder)
    assert not Membership.objects.filter(user=intruder).exists()


def test_only_the_organisations_admin_may_invite(mzo_admin):
    organisation = _org(mzo_admin)
    key_person = MembershipFactory(organisation=organisation, role=Role.KEY_PERSON).user
    other_admin = MembershipFactory(role=Role.ADMIN).user

    for actor in (key_person, other_admin):
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                actor=actor, organisation=organisation, email="x@example.org", role=Role.KEY_PERSON
            )


def test_a_role_that_does_not_fit_the_organisation_is_refused(mzo_admin):
    with pytest.raises(DomainError) as error:
        services.invitation_create(
            actor=mzo_admin, organisation=_org(mzo_admin), email="x@example.org", role=Role.AUDITOR
        )

    assert error.value.field == "role"


def test_inviting_an_existing_member_is_a_conflict(mzo_admin):
    with pytest.raises(Conflict):
        services.invitation_create(
            actor=mzo_admin,
            organisation=_org(mzo_admin),
            email=mzo_admin.email.upper(),
            role=Role.KEY_PERSON,
        )


def test_reinviting_replaces_the_older_pending_invitation(mzo_admin):
    organisation = _org(mzo_admin)
    _, old_token = services.invitation_create(
        actor=mzo_admin, organisation=organisation, email="x@example.org", role=Role.KEY_PERSON
    )
    services.invitation_create(
        actor=mzo_admin, organisation=organisation, email="x@example.org", role=Role.ADMIN
    )

    with pytest.raises(Conflict) as error:
        services.invitation_accept_as_new_user(token=old_token, full_name="X", password=PASSWORD)
    assert error.value.code == "invitation_revoked"


def test_expired_and_unknown_tokens_give_clear_errors(mzo_admin):
    invitation, token = services.invitation_create(
        actor=mzo_admin,
        organisation=_org(mzo_admin),
        email="x@example.org",
        role=Role.KEY_PERSON,
    )
    OrganisationInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    with pytest.raises(Conflict) as error:
        services.invitation_accept_as_new_user(token=token, full_name="X", password=PASSWORD)
    assert error.value.code == "invitation_expired"
    with pytest.raises(NotFound):
        services.invitation_for_token("not-a-token")


def test_expiry_task_marks_old_invitations_and_a_second_run_does_nothing(mzo_admin):
    organisation = _org(mzo_admin)
    old, _ = services.invitation_create(
        actor=mzo_admin, organisation=organisation, email="old@example.org", role=Role.KEY_PERSON
    )
    fresh, _ = services.invitation_create(
        actor=mzo_admin, organisation=organisation, email="fresh@example.org", role=Role.KEY_PERSON
    )
    OrganisationInvitation.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )

    assert expire_invitations_task() == 1
    assert expire_invitations_task() == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == (InvitationStatus.EXPIRED, InvitationStatus.PENDING)


def test_the_last_admin_cannot_leave_or_be_demoted(mzo_admin):
    membership = mzo_admin.memberships.get()

    with pytest.raises(Conflict):
        services.membership_deactivate(actor=mzo_admin, membership=membership)
    with pytest.raises(Conflict):
        services.membership_change_role(
            actor=mzo_admin, membership=membership, role=Role.KEY_PERSON
        )


def test_admin_removes_a_member_and_changes_roles(mzo_admin):
    organisation = _org(mzo_admin)
    member = MembershipFactory(organisation=organisation, role=Role.KEY_PERSON)

    services.membership_change_role(actor=mzo_admin, membership=member, role=Role.ADMIN)
    services.membership_deactivate(actor=mzo_admin, membership=member)

    member.refresh_from_db()
    assert member.role == Role.ADMIN and not member.is_active


def test_emails_are_written_in_the_senders_language(mzo_admin, django_capture_on_commit_callbacks):
    mzo_admin.preferred_language = "nl"
    mzo_admin.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            actor=mzo_admin,
            organisation=_org(mzo_admin),
            email="nieuw@example.org",
            role=Role.KEY_PERSON,
        )

    assert mail.outbox[0].subject.startswith("Uitnodiging")
