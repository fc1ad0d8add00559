"""Reads for partners that depend on who is looking."""

from marketplace.models import Membership, OrganisationKind, Role, VerificationStatus
from partners.models import PartnerKind, PartnerProfile


def is_care_coordinator(user) -> bool:
    """Coordinators (and admins) of verified care organisations may see individuals' rates."""
    if not (user and user.is_authenticated):
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(
        user=user,
        is_active=True,
        role__in=[Role.COORDINATOR, Role.ADMIN],
        organisation__kind=OrganisationKind.CARE,
        organisation__verification_status=VerificationStatus.VERIFIED,
    ).exists()


def shows_rate(
    profile: PartnerProfile, *, viewer_is_coordinator: bool, managed_ids: set[int]
) -> bool:
    """An organisation's rate is public; an individual's only for care coordinators and
    for whoever manages the profile."""
    return profile.kind == PartnerKind.MZO or viewer_is_coordinator or profile.pk in managed_ids


def managed_ids(user) -> set[int]:
    return set(PartnerProfile.objects.managed_by(user).values_list("pk", flat=True))
