"""Writes for organisations, memberships and invitations. Each is one transaction."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from marketplace.models import (
    Membership,
    Organisation,
    OrganisationInvitation,
    OrganisationKind,
    Role,
    User,
    VerificationStatus,
)
from marketplace.models.organisations import InvitationStatus
from marketplace.notifications import queue_email
from marketplace.permissions import ensure_org_admin, ensure_staff
from marketplace.validators import normalise_kvk, normalise_postcode

SIGN_UP_KINDS = {OrganisationKind.MZO, OrganisationKind.CARE, OrganisationKind.MUNICIPALITY}


def _validation_to_domain(exc: ValidationError, field: str) -> DomainError:
    return DomainError(" ".join(exc.messages), code="invalid", field=field)


def _check_kvk(kvk_number: str, *, exclude_pk: int | None = None) -> str:
    try:
        kvk_number = normalise_kvk(kvk_number)
    except ValidationError as exc:
        raise _validation_to_domain(exc, "kvk_number") from None
    clash = Organisation.objects.filter(kvk_number=kvk_number).exclude(pk=exclude_pk)
    if clash.exists():
        raise Conflict(
            _("An organisation with KvK number %(kvk)s is already registered.")
            % {"kvk": kvk_number},
            code="duplicate_kvk",
            field="kvk_number",
        )
    return kvk_number


def new_account(*, email: str, full_name: str, password: str, email_field: str = "email") -> User:
    """An unsaved user with a free e-mail address and an acceptable password (clear field errors
    otherwise). Callers save it inside their own transaction."""
    user = User(
        email=_check_new_email(email, field=email_field), full_name=(full_name or "").strip()
    )
    _check_password(password, user)
    user.set_password(password)
    return user


def _check_new_email(email: str, *, field: str = "email") -> str:
    email = (email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(
            _("An account with this e-mail address already exists. Log in instead."),
            code="duplicate_email",
            field=field,
        )
    return email


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise _validation_to_domain(exc, "password") from None


@transaction.atomic
def organisation_register(
    *,
    name: str,
    kind: str,
    kvk_number: str,
    admin_email: str,
    admin_full_name: str,
    password: str,
    street: str = "",
    postcode: str = "",
    city: str = "",
    municipality=None,
    email: str = "",
    phone: str = "",
    website: str = "",
) -> Organisation:
    """Sign-up: a new organisation (awaiting platform verification) and its first admin."""
    if kind not in SIGN_UP_KINDS:
        raise DomainError(_("This kind of organisation cannot sign up."), field="kind")
    if kind == OrganisationKind.MUNICIPALITY and municipality is None:
        raise DomainError(_("Choose the municipality you represent."), field="municipality")
    kvk_number = _check_kvk(kvk_number)
    user = new_account(
        email=admin_email, full_name=admin_full_name, password=password, email_field="admin_email"
    )
    if postcode:
        try:
            postcode = normalise_postcode(postcode)
        except ValidationError as exc:
            raise _validation_to_domain(exc, "postcode") from None
    try:
        with transaction.atomic():
            user.save()
            organisation = Organisation.objects.create(
                name=name.strip(),
                kind=kind,
                kvk_number=kvk_number,
                street=street,
                postcode=postcode,
                city=city,
                municipality=municipality,
                email=email,
                phone=phone,
                website=website,
            )
    except IntegrityError:
        # A concurrent sign-up took the e-mail or KvK number between our check and insert.
        raise Conflict(
            _("This e-mail address or KvK number was just registered. Please try again."),
            code="duplicate",
        ) from None
    Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN)
    audit.record(
        actor=user,
        action="organisation.registered",
        obj=organisation,
        organisation=organisation,
        kind=kind,
    )
    for staff_email in User.objects.filter(is_staff=True, is_active=True).values_list(
        "email", flat=True
    ):
        queue_email(
            to=staff_email,
            template="organisation_registered",
            context={
                "name": organisation.name,
                "kind": organisation.get_kind_display(),
                "url": settings.SITE_URL
                + reverse("admin:marketplace_organisation_change", args=[organisation.pk]),
            },
        )
    return organisation


def _set_verification(*, actor: User, organisation: Organisation, status: str) -> Organisation:
    ensure_staff(actor)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.verification_status == status:
        return organisation  # idempotent
    organisation.verification_status = status
    organisation.verified_at = timezone.now() if status == VerificationStatus.VERIFIED else None
    organisation.verified_by = actor if status == VerificationStatus.VERIFIED else None
    organisation.save(update_fields=["verification_status", "verified_at", "verified_by"])
    audit.record(
        actor=actor, action=f"organisation.{status}", obj=organisation, organisation=organisation
    )
    for admin in organisation.memberships.active().filter(role=Role.ADMIN).select_related("user"):
        queue_email(
            to=admin.user.email,
            template=f"organisation_{status}",
            context={"name": organisation.name, "url": settings.SITE_URL + reverse("start")},
            language=admin.user.preferred_language,
        )
    return organisation


@transaction.atomic
def organisation_verify(*, actor: User, organisation: Organisation) -> Organisation:
    return _set_verification(
        actor=actor, organisation=organisation, status=VerificationStatus.VERIFIED
    )


@transaction.atomic
def organisation_reject(*, actor: User, organisation: Organisation) -> Organisation:
    return _set_verification(
        actor=actor, organisation=organisation, status=VerificationStatus.REJECTED
    )


ORGANISATION_EDITABLE = {
    "name",
    "street",
    "postcode",
    "city",
    "email",
    "phone",
    "website",
    "kvk_number",
}


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, **changes) -> Organisation:
    unknown = set(changes) - ORGANISATION_EDITABLE
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    ensure_org_admin(actor, organisation)
    if "kvk_number" in changes:
        changes["kvk_number"] = _check_kvk(changes["kvk_number"], exclude_pk=organisation.pk)
    if changes.get("postcode"):
        try:
            changes["postcode"] = normalise_postcode(changes["postcode"])
        except ValidationError as exc:
            raise _validation_to_domain(exc, "postcode") from None
    for field, value in changes.items():
        setattr(organisation, field, value)
    organisation.save(update_fields=list(changes))
    audit.record(
        actor=actor,
        action="organisation.updated",
        obj=organisation,
        organisation=organisation,
        fields=sorted(changes),
    )
    return organisation


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *, actor: User, organisation: Organisation, email: str, role: str
) -> tuple[OrganisationInvitation, str]:
    """Invite someone by e-mail. Returns the invitation and the raw token (only ever e-mailed)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    ensure_org_admin(actor, organisation)
    email = (email or "").strip().lower()
    if role not in organisation.allowed_roles():
        raise DomainError(
            _("The role %(role)s does not exist in a %(kind)s.")
            % {
                "role": Role(role).label if role in Role.values else role,
                "kind": organisation.get_kind_display(),
            },
            field="role",
        )
    if organisation.memberships.active().filter(user__email__iexact=email).exists():
        raise Conflict(
            _("%(email)s is already a member.") % {"email": email},
            field="email",
            code="already_member",
        )
    # A new invitation replaces an older pending one to the same address.
    organisation.invitations.filter(email=email, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.REVOKED
    )
    token = secrets.token_urlsafe(32)
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.ORGANISATION_INVITATION_DAYS),
    )
    audit.record(
        actor=actor,
        action="invitation.created",
        obj=invitation,
        organisation=organisation,
        role=role,
    )
    queue_email(
        to=email,
        template="invitation",
        context={
            "organisation": organisation.name,
            "role": invitation.get_role_display(),
            "inviter": actor.full_name,
            "url": settings.SITE_URL + reverse("invitation_accept", args=[token]),
            "expires": invitation.expires_at.date().isoformat(),
        },
        language=actor.preferred_language,
    )
    return invitation, token


def invitation_for_token(token: str) -> OrganisationInvitation:
    invitation = (
        OrganisationInvitation.objects.select_related("organisation")
        .filter(token_hash=_hash_token(token or ""))
        .first()
    )
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."), code="invitation_invalid")
    return invitation


def _ensure_open(invitation: OrganisationInvitation) -> None:
    if invitation.status == InvitationStatus.ACCEPTED:
        raise Conflict(_("This invitation has already been used."), code="invitation_used")
    if invitation.status == InvitationStatus.REVOKED:
        raise Conflict(_("This invitation was withdrawn."), code="invitation_revoked")
    if not invitation.is_open:
        raise Conflict(
            _("This invitation has expired. Ask for a new one."), code="invitation_expired"
        )


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    invitation = invitation_for_token(token)
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status == InvitationStatus.ACCEPTED and invitation.accepted_by_id == user.pk:
        return Membership.objects.get(user=user, organisation_id=invitation.organisation_id)
    _ensure_open(invitation)
    if invitation.email.lower() != user.email.lower():
        raise PermissionDenied(
            _("This invitation was sent to another e-mail address. Log in with that address."),
            code="invitation_other_email",
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created:
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "accepted_at"])
    audit.record(
        actor=user,
        action="invitation.accepted",
        obj=invitation,
        organisation=invitation.organisation,
        role=invitation.role,
    )
    return membership


@transaction.atomic
def invitation_accept_as_new_user(*, token: str, full_name: str, password: str) -> Membership:
    """Someone without an account follows the link: create the account with the invited address."""
    invitation = invitation_for_token(token)
    _ensure_open(invitation)
    user = new_account(email=invitation.email, full_name=full_name, password=password)
    user.save()
    return invitation_accept(token=token, user=user)


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: OrganisationInvitation) -> OrganisationInvitation:
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    ensure_org_admin(actor, invitation.organisation)
    if invitation.status == InvitationStatus.REVOKED:
        return invitation
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(_("Only a pending invitation can be withdrawn."))
    invitation.status = InvitationStatus.REVOKED
    invitation.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="invitation.revoked",
        obj=invitation,
        organisation=invitation.organisation,
    )
    return invitation


def invitations_expire(*, batch_size: int = 500) -> int:
    """Mark pending invitations past their date as expired; safe to run twice."""
    expired = 0
    while True:
        with transaction.atomic():
            ids = list(
                OrganisationInvitation.objects.filter(
                    status=InvitationStatus.PENDING, expires_at__lte=timezone.now()
                ).values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return expired
            expired += OrganisationInvitation.objects.filter(
                pk__in=ids, status=InvitationStatus.PENDING
            ).update(status=InvitationStatus.EXPIRED)


def _ensure_admin_remains(membership: Membership, *, new_role: str | None, active: bool) -> None:
    losing_admin = membership.role == Role.ADMIN and (not active or new_role != Role.ADMIN)
    if not losing_admin:
        return
    others = (
        Membership.objects.select_for_update()
        .filter(organisation=membership.organisation, role=Role.ADMIN, is_active=True)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise Conflict(_("An organisation needs at least one administrator."), code="last_admin")


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    )
    ensure_org_admin(actor, membership.organisation)
    if role not in membership.organisation.allowed_roles():
        raise DomainError(_("This role does not exist in this kind of organisation."), field="role")
    if membership.role == role:
        return membership
    _ensure_admin_remains(membership, new_role=role, active=membership.is_active)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        actor=actor,
        action="membership.role_changed",
        obj=membership,
        organisation=membership.organisation,
        old=old,
        new=role,
    )
    return membership


@transaction.atomic
def membership_deactivate(*, actor: User, membership: Membership) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    )
    ensure_org_admin(actor, membership.organisation)
    if not membership.is_active:
        return membership
    _ensure_admin_remains(membership, new_role=None, active=False)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="membership.deactivated",
        obj=membership,
        organisation=membership.organisation,
    )
    return membership
