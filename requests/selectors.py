"""Reads for pages and API views that are not a queryset of support requests."""

from django.db.models import QuerySet

from marketplace.models import Organisation, OrganisationKind
from marketplace.permissions import is_authenticated
from partners.models import PartnerProfile
from requests.models import MANAGER_ROLES, SupportRequest


def organisations_posting_for(user) -> list[Organisation]:
    """Care organisations in which `user` may post and manage support requests."""
    if not is_authenticated(user):
        return []
    return list(
        Organisation.objects.filter(
            kind=OrganisationKind.CARE,
            memberships__user=user,
            memberships__is_active=True,
            memberships__role__in=MANAGER_ROLES,
        )
        .distinct()
        .order_by("name")
    )


def can_manage(user, support_request: SupportRequest) -> bool:
    """Whether `user` sees the owner's view of this request (and its actions)."""
    if not is_authenticated(user):
        return False
    if user.is_staff:
        return True
    return SupportRequest.objects.managed_by(user).filter(pk=support_request.pk).exists()


def is_partner(user) -> bool:
    return is_authenticated(user) and PartnerProfile.objects.managed_by(user).exists()


def requests_for_partner(user) -> QuerySet[SupportRequest]:
    return (
        SupportRequest.objects.relevant_to_user(user)
        .with_details()
        .order_by("response_deadline", "pk")
    )
