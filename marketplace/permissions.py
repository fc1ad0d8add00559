"""Permission checks used by services (and by views for showing or hiding actions)."""

from django.utils.translation import gettext as _

from marketplace.errors import PermissionDenied
from marketplace.models import Membership, Organisation, Role


def is_authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def ensure_staff(user) -> None:
    if not (is_authenticated(user) and user.is_staff):
        raise PermissionDenied(_("Only platform staff may do this."))


def has_role(user, organisation: Organisation, *roles: str) -> bool:
    if not is_authenticated(user):
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, is_active=True, role__in=roles
    ).exists()


def ensure_role(user, organisation: Organisation, *roles: str) -> None:
    if is_authenticated(user) and user.is_staff:
        return
    if not has_role(user, organisation, *roles):
        raise PermissionDenied(
            _("You do not have the role needed for this in %(org)s.") % {"org": organisation.name}
        )


def ensure_org_admin(user, organisation: Organisation) -> None:
    ensure_role(user, organisation, Role.ADMIN)


def ensure_can_transact(organisation: Organisation) -> None:
    """Unverified organisations may set up their account but not post, book, invoice or pay."""
    if not organisation.is_verified:
        raise PermissionDenied(
            _(
                "%(org)s is not verified yet. Platform staff check new organisations before they "
                "can post requests or do business."
            )
            % {"org": organisation.name},
            code="organisation_unverified",
        )
