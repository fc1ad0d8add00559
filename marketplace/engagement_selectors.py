"""Reads for invitations, engagements and proposals, scoped by who is looking.

- The care side (coordinators and admins of the request's or engagement's care organisation)
  sees its own invitations and engagements.
- The partner side sees what is addressed to the partner profiles it manages (the key person
  themself, or the admin of the MZO that dispatches them).
- Platform staff see everything. Anyone else sees nothing, so a page or endpoint answers 404.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from marketplace.models import (
    Engagement,
    Invitation,
    InvitationStatus,
    Membership,
    Proposal,
)
from marketplace.permissions import is_authenticated
from partners.models import PartnerProfile
from requests.models import MANAGER_ROLES, Status, SupportRequest


def care_organisations_of(user):
    """Subquery: the organisations in which `user` coordinates (coordinator or admin)."""
    return Membership.objects.filter(user=user, is_active=True, role__in=MANAGER_ROLES).values(
        "organisation"
    )


def invitations_visible_to(user) -> QuerySet[Invitation]:
    if not is_authenticated(user):
        return Invitation.objects.none()
    if user.is_staff:
        return Invitation.objects.all()
    return Invitation.objects.filter(
        Q(request__organisation__in=care_organisations_of(user))
        | Q(partner__in=PartnerProfile.objects.managed_by(user).values("pk"))
    )


def invitations_for_partner_side(user) -> QuerySet[Invitation]:
    """Only the invitations addressed to profiles `user` manages ("my invitations")."""
    if not is_authenticated(user):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        partner__in=PartnerProfile.objects.managed_by(user).values("pk")
    )


def with_invitation_details(queryset: QuerySet[Invitation]) -> QuerySet[Invitation]:
    """Everything a list or detail shows, in one query."""
    return queryset.select_related(
        "request__organisation",
        "request__expertise",
        "request__neighbourhood",
        "request__postcode_area",
        "partner",
        "proposal",
        "invited_by",
        "responded_by",
        "engagement",
    )


def engagements_visible_to(user) -> QuerySet[Engagement]:
    if not is_authenticated(user):
        return Engagement.objects.none()
    if user.is_staff:
        return Engagement.objects.all()
    return Engagement.objects.filter(
        Q(organisation__in=care_organisations_of(user))
        | Q(partner__in=PartnerProfile.objects.managed_by(user).values("pk"))
    )


def with_engagement_details(queryset: QuerySet[Engagement]) -> QuerySet[Engagement]:
    return queryset.select_related(
        "organisation", "partner", "request", "invitation", "offer", "activity", "created_by"
    )


def is_care_side(user, organisation_id: int) -> bool:
    """Whether `user` acts for the care organisation (coordinator, admin, or platform staff)."""
    if not is_authenticated(user):
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, is_active=True, role__in=MANAGER_ROLES
    ).exists()


def manages_partner(user, partner_id: int) -> bool:
    if not is_authenticated(user):
        return False
    return PartnerProfile.objects.managed_by(user).filter(pk=partner_id).exists()


def latest_proposals(support_request: SupportRequest) -> list[Proposal]:
    """The proposals of the newest matching run for this request, best first, each annotated
    with `open_invitation` (an invitation in status sent exists for that partner)."""
    newest = (
        Proposal.objects.filter(request=support_request)
        .order_by("-created_at", "-pk")
        .values_list("run", flat=True)
        .first()
    )
    if newest is None:
        return []
    return list(
        Proposal.objects.filter(request=support_request, run=newest)
        .select_related("partner")
        .annotate(
            open_invitation=Exists(
                Invitation.objects.filter(
                    request=OuterRef("request"),
                    partner=OuterRef("partner"),
                    status=InvitationStatus.SENT,
                )
            )
        )
        .order_by("rank")
    )


def nobody_accepted(support_request: SupportRequest) -> bool:
    """Matching stalled: partners were invited, none has an open invitation any more, and nobody
    was engaged. The coordinator's page then suggests proposing again."""
    if support_request.status != Status.MATCHING:
        return False
    invitations = Invitation.objects.filter(request=support_request)
    return (
        invitations.exists()
        and not invitations.filter(status=InvitationStatus.SENT).exists()
        and not Engagement.objects.filter(request=support_request).exists()
    )
