"""Thin API views: validate input, call one service or selector, present the result."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api import serializers as s
from marketplace.models import Membership, Organisation, OrganisationInvitation
from marketplace.services import organisations as services


class MeView(APIView):
    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


class TokenView(ObtainAuthToken):
    """Exchange e-mail (as `username`) and password for an API token."""

    @extend_schema(exclude=False)
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class OrganisationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.OrganisationSerializer
    filterset_fields = ["kind", "verification_status"]

    def get_queryset(self):
        return Organisation.objects.visible_to(self.request.user).select_related("municipality")

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        return super().get_permissions()

    @extend_schema(
        request=s.OrganisationSignUpSerializer, responses={201: s.OrganisationSerializer}
    )
    def create(self, request):
        """Sign up a new organisation with its first administrator (awaits verification)."""
        data = s.OrganisationSignUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = services.organisation_register(**data.validated_data)
        return Response(s.OrganisationSerializer(organisation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.OrganisationUpdateSerializer, responses=s.OrganisationSerializer)
    def partial_update(self, request, pk=None):
        data = s.OrganisationUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        organisation = services.organisation_update(
            actor=request.user, organisation=self.get_object(), **data.validated_data
        )
        return Response(s.OrganisationSerializer(organisation).data)

    @extend_schema(request=None, responses=s.OrganisationSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        organisation = services.organisation_verify(
            actor=request.user, organisation=self.get_object()
        )
        return Response(s.OrganisationSerializer(organisation).data)


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.MembershipSerializer
    filterset_fields = ["organisation", "role", "is_active"]

    def get_queryset(self):
        return Membership.objects.visible_to(self.request.user).select_related(
            "user", "organisation"
        )

    @extend_schema(request=s.MembershipRoleSerializer, responses=s.MembershipSerializer)
    def partial_update(self, request, pk=None):
        data = s.MembershipRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_change_role(
            actor=request.user, membership=self.get_object(), role=data.validated_data["role"]
        )
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(request=None, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        membership = services.membership_deactivate(
            actor=request.user, membership=self.get_object()
        )
        return Response(s.MembershipSerializer(membership).data)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.InvitationSerializer
    filterset_fields = ["organisation", "status"]

    def get_queryset(self):
        return OrganisationInvitation.objects.visible_to(self.request.user)

    @extend_schema(request=s.InvitationCreateSerializer, responses={201: s.InvitationSerializer})
    def create(self, request):
        data = s.InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = get_object_or_404(
            Organisation.objects.visible_to(request.user), pk=data.validated_data["organisation"]
        )
        invitation, _token = services.invitation_create(
            actor=request.user,
            organisation=organisation,
            email=data.validated_data["email"],
            role=data.validated_data["role"],
        )
        return Response(s.InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.InvitationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        invitation = services.invitation_revoke(actor=request.user, invitation=self.get_object())
        return Response(s.InvitationSerializer(invitation).data)

    @extend_schema(request=s.InvitationAcceptSerializer, responses=s.MembershipSerializer)
    @action(detail=False, methods=["post"])
    def accept(self, request):
        data = s.InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.invitation_accept(
            token=data.validated_data["token"], user=request.user
        )
        return Response(s.MembershipSerializer(membership).data)
