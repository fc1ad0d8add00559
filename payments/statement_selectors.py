"""Reads for allowance statements, scoped by who is looking.

- The care side (coordinators and admins of the paying care organisation) sees its statements.
- The volunteer sees their own (and the admin of the MZO that dispatches them sees theirs).
- Platform staff see everything; anyone else sees nothing, so a page or endpoint answers 404.
"""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from marketplace.engagement_selectors import care_organisations_of
from marketplace.models import AuditEntry, Engagement, OrganisationKind
from marketplace.permissions import is_authenticated
from partners.models import PartnerKind, PartnerProfile
from payments.models import AllowanceStatement
from payments.services.statements import REFUSED_ACTION

NOTICE_DAYS = 62


def statements_visible_to(user) -> QuerySet[AllowanceStatement]:
    if not is_authenticated(user):
        return AllowanceStatement.objects.none()
    statements = AllowanceStatement.objects.select_related("customer", "supplier")
    if user.is_staff:
        return statements
    return statements.filter(
        Q(customer__in=care_organisations_of(user))
        | Q(supplier__in=PartnerProfile.objects.managed_by(user).values("pk"))
    )


def statements_of_care_side(user) -> QuerySet[AllowanceStatement]:
    """The statements the user's care organisations issued (the coordinators' list)."""
    if not is_authenticated(user):
        return AllowanceStatement.objects.none()
    statements = AllowanceStatement.objects.select_related("customer", "supplier")
    if user.is_staff:
        return statements
    return statements.filter(customer__in=care_organisations_of(user))


def volunteers_of(user) -> QuerySet[PartnerProfile]:
    """The key-person profiles whose allowance `user` may follow: their own, and those of the
    MZO they administer."""
    if not is_authenticated(user):
        return PartnerProfile.objects.none()
    return PartnerProfile.objects.managed_by(user).filter(kind=PartnerKind.KEY_PERSON)


def partners_worked_with(user) -> QuerySet[PartnerProfile]:
    """Partners with an engagement at one of the user's care organisations: their allowance
    usage is needed to plan and approve work (personal data stays with who works with them)."""
    if not is_authenticated(user):
        return PartnerProfile.objects.none()
    if user.is_staff:
        return PartnerProfile.objects.all()
    return PartnerProfile.objects.filter(
        pk__in=Engagement.objects.filter(organisation__in=care_organisations_of(user)).values(
            "partner"
        )
    )


def refusal_notices_for(user) -> QuerySet[AuditEntry]:
    """Recent statements refused at a cap, for the coordinators of the organisation."""
    if not is_authenticated(user):
        return AuditEntry.objects.none()
    notices = AuditEntry.objects.filter(
        action=REFUSED_ACTION, created_at__gte=timezone.now() - timedelta(days=NOTICE_DAYS)
    ).order_by("-created_at")
    if user.is_staff:
        return notices
    return notices.filter(organisation__in=care_organisations_of(user))


def care_organisations_of_user(user) -> list[int]:
    """The ids of the care organisations in which `user` coordinates (coordinator or admin)."""
    if not is_authenticated(user):
        return []
    return list(
        care_organisations_of(user)
        .filter(organisation__kind=OrganisationKind.CARE)
        .values_list("organisation", flat=True)
    )
