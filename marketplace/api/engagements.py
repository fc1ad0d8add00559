"""Invitations to support requests, engagements and offer bookings over the API.

Who sees what is decided by each endpoint's queryset (marketplace.engagement_selectors): the
care organisation sees the invitations of its requests and its engagements, the partner side
what is addressed to the profiles it manages, staff everything. Anything else is a 404.
Serializers validate and present; the services in marketplace.services.engagements write.

    /request-invitations/                list, create (= send)
    /request-invitations/{id}/           retrieve
    /request-invitations/{id}/accept/    partner side → the engagement
    /request-invitations/{id}/decline/   partner side, with an optional reason
    /request-invitations/{id}/withdraw/  care side
    /engagements/ and /engagements/{id}/ list, retrieve
    /engagements/{id}/complete/          care side, with feedback
    /engagements/{id}/cancel/            either side
    /engagements/{id}/raise-max-hours/   care side: more hours for the partner to log
    /offer-bookings/                     POST: book a listed offer directly → an engagement
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from marketplace import engagement_selectors as selectors
from marketplace.errors import DomainError
from marketplace.models import (
    Engagement,
    EngagementStatus,
    Invitation,
    InvitationStatus,
    Organisation,
    Proposal,
)
from marketplace.services import engagements as services
from marketplace.services import time_entries as hours_services
from marketplace.time_entry_selectors import hours_used, with_hours
from partners.models import CompensationMode, Offer, PartnerProfile
from payments.rates import parity_percentage
from requests.models import SupportRequest
from requests.privacy import validate_no_personal_data

PROBLEM = OpenApiResponse(description=_("application/problem+json with the reason."))


# --- output -----------------------------------------------------------------------------------


class _OrganisationBrief(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]
        read_only_fields = fields


class _PartnerBrief(serializers.ModelSerializer):
    class Meta:
        model = PartnerProfile
        fields = ["id", "display_name", "kind"]
        read_only_fields = fields


class _RequestBrief(serializers.ModelSerializer):
    organisation = _OrganisationBrief(read_only=True)

    class Meta:
        model = SupportRequest
        fields = ["id", "title", "organisation", "period_start", "period_end", "hours_estimated"]
        read_only_fields = fields


class RequestInvitationSerializer(serializers.ModelSerializer):
    request = _RequestBrief(read_only=True)
    partner = _PartnerBrief(read_only=True)
    status = serializers.ChoiceField(choices=InvitationStatus.choices, read_only=True)
    was_proposed = serializers.BooleanField(
        read_only=True,
        help_text=_("False when the coordinator invited someone matching did not propose."),
    )
    engagement = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "request",
            "partner",
            "proposal",
            "was_proposed",
            "status",
            "message",
            "respond_before",
            "responded_at",
            "decline_reason",
            "created_at",
            "engagement",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_engagement(self, invitation: Invitation) -> int | None:
        engagement = getattr(invitation, "engagement", None)
        return engagement.pk if engagement is not None else None


class _ActivitySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class EngagementSerializer(serializers.ModelSerializer):
    organisation = _OrganisationBrief(read_only=True)
    partner = _PartnerBrief(read_only=True)
    activity = _ActivitySerializer(read_only=True)
    status = serializers.ChoiceField(choices=EngagementStatus.choices, read_only=True)
    compensation_mode = serializers.ChoiceField(choices=CompensationMode.choices, read_only=True)
    below_parity = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "The agreed rate is below the municipal reference rate of a formal professional "
            "for this kind of work (allowed, but flagged to both sides and in the audit)."
        ),
    )
    parity_percent = serializers.SerializerMethodField(
        help_text=_("The agreed rate as a percentage of the reference rate; empty without one.")
    )
    hours_used = serializers.SerializerMethodField(
        help_text=_("Hours waiting for approval plus approved hours.")
    )

    class Meta:
        model = Engagement
        fields = [
            "id",
            "organisation",
            "partner",
            "request",
            "invitation",
            "offer",
            "activity",
            "description",
            "hourly_rate",
            "reference_rate",
            "below_parity",
            "parity_percent",
            "max_hours",
            "hours_used",
            "period_start",
            "period_end",
            "compensation_mode",
            "rate_above_cap_reason",
            "status",
            "created_at",
            "completed_at",
            "feedback_rating",
            "feedback_on_time",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_parity_percent(self, engagement: Engagement) -> int | None:
        return parity_percentage(engagement.hourly_rate, engagement.reference_rate)

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_hours_used(self, engagement: Engagement) -> str:
        used = getattr(engagement, "hours_used", None)
        if used is None:
            used = hours_used(engagement).used
        return f"{used:.2f}"


# --- input ------------------------------------------------------------------------------------


def _rate_reason_field():
    return serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_no_personal_data],
        help_text=_(
            "Needed when the work is paid as a volunteer allowance at a rate above the legal "
            "hourly guideline; it is recorded on the engagement."
        ),
    )


class RequestInvitationCreateSerializer(serializers.Serializer):
    request = serializers.IntegerField(help_text=_("The support request (one of yours)."))
    partner = serializers.IntegerField(help_text=_("A partner listed in the directory."))
    respond_before = serializers.DateTimeField(
        help_text=_("In the future and not after the end of the request's period.")
    )
    message = serializers.CharField(
        max_length=services.MESSAGE_MAX,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_no_personal_data],
    )
    proposal = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The proposal this invitation follows; empty when invited from the directory."),
    )


class AcceptSerializer(serializers.Serializer):
    hourly_rate = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Agreed rate; the partner's own rate when empty."),
    )
    max_hours = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Agreed maximum; the request's estimated hours when empty."),
    )
    rate_above_cap_reason = _rate_reason_field()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=services.REASON_MAX,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_no_personal_data],
    )


class CompleteSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    on_time = serializers.BooleanField(required=False, allow_null=True, default=None)


class RaiseMaxHoursSerializer(serializers.Serializer):
    max_hours = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        help_text=_("The new maximum: more than the current one, in quarters of an hour."),
    )


class OfferBookingSerializer(serializers.Serializer):
    offer = serializers.PrimaryKeyRelatedField(
        queryset=Offer.objects.listed(), help_text=_("A published offer of a listed partner.")
    )
    organisation = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Your care organisation; needed only when you coordinate for several."),
    )
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    hours = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Maximum hours; the offer's duration when empty."),
    )
    note = serializers.CharField(
        max_length=services.NOTE_MAX,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_no_personal_data],
    )
    rate_above_cap_reason = _rate_reason_field()


# --- views ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=_("Invitations to support requests"),
        description=_(
            "For a care organisation the invitations of its requests; for a partner those "
            "addressed to the profiles you manage."
        ),
    ),
    retrieve=extend_schema(
        summary=_("One invitation"), responses={200: RequestInvitationSerializer, 404: PROBLEM}
    ),
)
class RequestInvitationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = RequestInvitationSerializer
    filterset_fields = ["request", "partner", "status"]
    queryset = Invitation.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        return selectors.with_invitation_details(
            selectors.invitations_visible_to(self.request.user)
        ).order_by("-created_at", "-pk")

    def _present(self, invitation: Invitation, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.with_invitation_details(Invitation.objects.all()).get(pk=invitation.pk)
        return Response(RequestInvitationSerializer(fresh).data, status=code)

    @extend_schema(
        summary=_("Invite a partner for a support request"),
        description=_(
            "Sending again while the partner's invitation is open returns that invitation."
        ),
        request=RequestInvitationCreateSerializer,
        responses={201: RequestInvitationSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM},
    )
    def create(self, request):
        data = RequestInvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        support_request = get_object_or_404(
            SupportRequest.objects.managed_by(request.user), pk=fields["request"]
        )
        partner = PartnerProfile.objects.listed().filter(pk=fields["partner"]).first()
        if partner is None:
            raise DomainError(
                _("No partner with this id is listed in the directory."),
                code="partner_not_listed",
                field="partner",
            )
        proposal = None
        if fields["proposal"] is not None:
            proposal = Proposal.objects.filter(
                pk=fields["proposal"], request=support_request
            ).first()
            if proposal is None:
                raise DomainError(
                    _("This proposal belongs to another request or partner."), field="proposal"
                )
        invitation = services.invitation_send(
            actor=request.user,
            request=support_request,
            partner=partner,
            respond_before=fields["respond_before"],
            message=fields["message"],
            proposal=proposal,
        )
        return self._present(invitation, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Accept an invitation (partner side)"),
        description=_(
            "The first acceptance for a request creates its engagement, withdraws the other "
            "open invitations and fills the request. Accepting again returns the same "
            "engagement; when another partner was first, the answer is 409."
        ),
        request=AcceptSerializer,
        responses={200: EngagementSerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        invitation = self.get_object()
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        engagement = services.invitation_accept(
            actor=request.user, invitation=invitation, **data.validated_data
        )
        fresh = selectors.with_engagement_details(Engagement.objects.all()).get(pk=engagement.pk)
        return Response(EngagementSerializer(fresh).data)

    @extend_schema(
        summary=_("Decline an invitation (partner side)"),
        request=ReasonSerializer,
        responses={200: RequestInvitationSerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        invitation = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._present(
            services.invitation_decline(
                actor=request.user, invitation=invitation, reason=data.validated_data["reason"]
            )
        )

    @extend_schema(
        summary=_("Withdraw an open invitation (care side)"),
        request=None,
        responses={200: RequestInvitationSerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._present(
            services.invitation_withdraw(actor=request.user, invitation=self.get_object())
        )


@extend_schema_view(
    list=extend_schema(summary=_("Engagements of your organisations and partner profiles")),
    retrieve=extend_schema(
        summary=_("One engagement"), responses={200: EngagementSerializer, 404: PROBLEM}
    ),
)
class EngagementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EngagementSerializer
    filterset_fields = ["status", "organisation", "partner", "request"]
    queryset = Engagement.objects.none()

    def get_queryset(self):
        return with_hours(
            selectors.with_engagement_details(selectors.engagements_visible_to(self.request.user))
        ).order_by("-created_at", "-pk")

    def _present(self, engagement: Engagement) -> Response:
        fresh = selectors.with_engagement_details(Engagement.objects.all()).get(pk=engagement.pk)
        return Response(EngagementSerializer(fresh).data)

    @extend_schema(
        summary=_("Raise the maximum hours (care side)"),
        request=RaiseMaxHoursSerializer,
        responses={200: EngagementSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM},
    )
    @action(detail=True, methods=["post"], url_path="raise-max-hours")
    def raise_max_hours(self, request, pk=None):
        engagement = self.get_object()
        data = RaiseMaxHoursSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._present(
            hours_services.engagement_raise_max_hours(
                actor=request.user,
                engagement=engagement,
                max_hours=data.validated_data["max_hours"],
            )
        )

    @extend_schema(
        summary=_("Mark the work as completed (care side), with feedback"),
        request=CompleteSerializer,
        responses={200: EngagementSerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        engagement = self.get_object()
        data = CompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._present(
            services.engagement_complete(
                actor=request.user,
                engagement=engagement,
                rating=data.validated_data.get("rating"),
                on_time=data.validated_data.get("on_time"),
            )
        )

    @extend_schema(
        summary=_("Cancel an engagement (either side)"),
        request=ReasonSerializer,
        responses={200: EngagementSerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        engagement = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._present(
            services.engagement_cancel(
                actor=request.user, engagement=engagement, reason=data.validated_data["reason"]
            )
        )


class OfferBookingViewSet(viewsets.GenericViewSet):
    serializer_class = OfferBookingSerializer
    queryset = Offer.objects.none()

    @extend_schema(
        summary=_("Book a partner's published offer directly"),
        description=_(
            "Creates an engagement without a support request. Booking the same offer for the "
            "same period again returns the same engagement."
        ),
        request=OfferBookingSerializer,
        responses={201: EngagementSerializer, 400: PROBLEM, 403: PROBLEM, 409: PROBLEM},
    )
    def create(self, request):
        data = OfferBookingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organisation_id = fields.pop("organisation")
        organisation = None
        if organisation_id is not None:
            organisation = get_object_or_404(
                Organisation.objects.visible_to(request.user), pk=organisation_id
            )
        engagement = services.offer_book(actor=request.user, organisation=organisation, **fields)
        fresh = selectors.with_engagement_details(Engagement.objects.all()).get(pk=engagement.pk)
        return Response(EngagementSerializer(fresh).data, status=status.HTTP_201_CREATED)
