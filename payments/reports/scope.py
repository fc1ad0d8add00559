"""Who may audit which municipality, and which records belong to it.

Place decides: an engagement belongs to the municipality where its request's neighbourhood lies
(a booked offer has no request: then the care organisation's own municipality), stored on the
engagement when it is agreed. So every euro is
counted in exactly one municipality, and the figures of all municipalities add up to the whole.
Care organisations a municipality contracts may also work elsewhere: their auditors see that
spending too, apart from their own figures (`contracted_elsewhere`).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from geo.models import Municipality
from marketplace.models import Membership, OrganisationKind, Role


def audited_municipalities(user):
    """The municipalities `user` audits: through an active auditor membership of the
    municipality's organisation; platform staff may audit every municipality."""
    if not (user and user.is_authenticated):
        return Municipality.objects.none()
    if user.is_staff:
        return Municipality.objects.all()
    memberships = Membership.objects.filter(
        user=user,
        is_active=True,
        role=Role.AUDITOR,
        organisation__kind=OrganisationKind.MUNICIPALITY,
    )
    return Municipality.objects.filter(pk__in=memberships.values("organisation__municipality"))


def municipality_for(user, code: str | None) -> Municipality:
    """The municipality `user` asked for (CBS code), or their only one; PermissionDenied when it
    is not theirs, so another municipality's figures never leak (not even whether it exists)."""
    municipalities = audited_municipalities(user).order_by("name")
    found = (municipalities.filter(code=code) if code else municipalities).first()
    if found is None:
        raise PermissionDenied(_("You do not audit this municipality."))
    return found


def engagement_place(municipality, prefix: str = "") -> Q:
    """Q selecting engagements located in `municipality` (Engagement.municipality, fixed when
    the engagement was agreed); `prefix` walks from another model, e.g. "engagement__"."""
    return Q(**{f"{prefix}municipality": municipality})


def contracted_elsewhere(municipality, prefix: str = "") -> Q:
    """Q selecting engagements of care organisations `municipality` contracts, placed in another
    municipality (or none); `prefix` walks from another model, e.g. "engagement__"."""
    return Q(**{f"{prefix}organisation__contracted_by": municipality}) & ~Q(
        **{f"{prefix}municipality": municipality}
    )
