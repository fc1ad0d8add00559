"""Directory, profiles, offers and the taxonomy over the API. Views validate, call one service
or selector, and present; who may see what is decided by the querysets and serializers."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from marketplace.errors import DomainError
from marketplace.models import Organisation, User
from partners import selectors, services
from partners.api import serializers as s
from partners.filters import DirectoryFilter
from partners.models import Community, Expertise, Language, Offer, PartnerKind, PartnerProfile


class ViewerContextMixin:
    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["is_coordinator"] = selectors.is_care_coordinator(user)
        context["managed_ids"] = selectors.managed_ids(user)
        return context


class PartnerViewSet(
    ViewerContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The public directory of published, verified partners (list), and profiles you may see."""

    filterset_class = DirectoryFilter
    serializer_class = s.PartnerPublicSerializer

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return super().get_permissions()

    def get_queryset(self):
        base = PartnerProfile.objects.with_directory_data()
        if self.action == "list":
            return base.listed()
        if self.action == "mine":
            return base.managed_by(self.request.user)
        return base.visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action in ("mine",) or (
            self.action not in ("list",)
            and self.kwargs.get("pk")
            and int(self.kwargs["pk"]) in selectors.managed_ids(self.request.user)
        ):
            return s.PartnerOwnerSerializer
        return s.PartnerPublicSerializer

    def _owner_view(self, profile, code=status.HTTP_200_OK):
        profile = PartnerProfile.objects.with_directory_data().get(pk=profile.pk)
        return Response(
            s.PartnerOwnerSerializer(profile, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(responses=s.PartnerOwnerSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], filterset_class=None)
    def mine(self, request):
        """Profiles you manage: your own, and those of MZOs you administer (published or not)."""
        page = self.paginate_queryset(self.get_queryset())
        data = s.PartnerOwnerSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(request=s.PartnerCreateSerializer, responses={201: s.PartnerOwnerSerializer})
    def create(self, request):
        data = s.PartnerCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        kind, org_id, user_id = (
            fields.pop("kind"),
            fields.pop("organisation", None),
            fields.pop("user", None),
        )
        organisation = (
            get_object_or_404(Organisation.objects.visible_to(request.user), pk=org_id)
            if org_id
            else None
        )
        if kind == PartnerKind.MZO:
            if organisation is None:
                raise DomainError(_("An MZO profile needs its organisation."), field="organisation")
            profile = services.profile_create_for_mzo(
                actor=request.user, organisation=organisation, **fields
            )
        else:
            person = (
                get_object_or_404(User, pk=user_id, memberships__organisation=organisation)
                if user_id and organisation
                else request.user
            )
            profile = services.profile_create_for_key_person(
                actor=request.user, user=person, organisation=organisation, **fields
            )
        return self._owner_view(profile, status.HTTP_201_CREATED)

    @extend_schema(request=s.PartnerInputSerializer, responses=s.PartnerOwnerSerializer)
    def partial_update(self, request, pk=None):
        data = s.PartnerInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        profile = services.profile_update(
            actor=request.user, profile=self.get_object(), **data.validated_data
        )
        return self._owner_view(profile)

    @extend_schema(request=None, responses=s.PartnerOwnerSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._owner_view(
            services.profile_publish(actor=request.user, profile=self.get_object())
        )

    @extend_schema(request=None, responses=s.PartnerOwnerSerializer)
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        return self._owner_view(
            services.profile_unpublish(actor=request.user, profile=self.get_object())
        )

    @extend_schema(request=None, responses=s.PartnerPublicSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        profile = services.profile_set_verification(
            actor=request.user, profile=self.get_object(), status="verified"
        )
        return Response(
            s.PartnerPublicSerializer(profile, context=self.get_serializer_context()).data
        )

    @extend_schema(request=s.KeyPersonRegisterSerializer, responses={201: s.PartnerOwnerSerializer})
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[permissions.AllowAny],
        filterset_class=None,
    )
    def register(self, request):
        """Sign up as an independent key person: an account and a profile awaiting checks."""
        data = s.KeyPersonRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.key_person_register(**data.validated_data)
        return Response(s.PartnerOwnerSerializer(profile).data, status=status.HTTP_201_CREATED)


class OfferViewSet(
    ViewerContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.OfferSerializer
    filterset_fields = {
        "expertise__code": ["exact"],
        "languages__code": ["exact"],
        "partner": ["exact"],
    }

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return super().get_permissions()

    def get_queryset(self):
        return (
            Offer.objects.visible_to(self.request.user)
            .select_related("partner", "expertise")
            .prefetch_related("languages", "communities")
            .distinct()
        )

    @extend_schema(request=s.OfferInputSerializer, responses={201: s.OfferSerializer})
    def create(self, request):
        data = s.OfferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        partner = get_object_or_404(
            PartnerProfile.objects.managed_by(request.user), pk=fields.pop("partner", None)
        )
        offer = services.offer_create(actor=request.user, partner=partner, **fields)
        return Response(
            s.OfferSerializer(offer, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.OfferInputSerializer, responses=s.OfferSerializer)
    def partial_update(self, request, pk=None):
        data = s.OfferInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("partner", None)
        offer = services.offer_update(actor=request.user, offer=self.get_object(), **fields)
        return Response(s.OfferSerializer(offer, context=self.get_serializer_context()).data)


class TaxonomyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.TermSerializer
    pagination_class = None
    model = None

    def get_queryset(self):
        return self.model.objects.active()


class ExpertiseViewSet(TaxonomyViewSet):
    """Kinds of work (the curated taxonomy)."""

    model = Expertise


class CommunityViewSet(TaxonomyViewSet):
    model = Community


class LanguageViewSet(TaxonomyViewSet):
    """Languages by ISO 639 code."""

    model = Language
