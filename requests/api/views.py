"""Support requests over the API. Views validate input, call one service, present the result;
who sees what is decided by the queryset of each endpoint:

- /support-requests/: the requests of the care organisations you coordinate (owner view);
- /open-support-requests/: open requests relevant to the partner profiles you manage (partner
  view, without internal notes).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import Organisation
from requests import selectors, services
from requests.api import serializers as s
from requests.api.filters import SupportRequestFilter
from requests.models import SupportRequest

PROBLEM = OpenApiResponse(description=_("application/problem+json with the reason."))


def _transition_schema(summary: str, request=None):
    return extend_schema(
        summary=summary,
        request=request,
        responses={200: s.SupportRequestSerializer, 404: PROBLEM, 409: PROBLEM},
    )


@extend_schema_view(
    list=extend_schema(summary=_("Support requests of your organisations")),
    retrieve=extend_schema(summary=_("One of your organisations' support requests")),
)
class SupportRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.SupportRequestSerializer
    filterset_class = SupportRequestFilter
    queryset = SupportRequest.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        return SupportRequest.objects.managed_by(self.request.user).with_details()

    def _present(self, request_obj: SupportRequest, code: int = status.HTTP_200_OK) -> Response:
        fresh = SupportRequest.objects.with_details().get(pk=request_obj.pk)
        return Response(s.SupportRequestSerializer(fresh).data, status=code)

    def _organisation(self, chosen: Organisation | None) -> Organisation:
        if chosen is not None:
            return chosen
        organisations = selectors.organisations_posting_for(self.request.user)
        if not organisations:
            raise PermissionDenied(
                _("Only coordinators of a care organisation can post support requests.")
            )
        if len(organisations) > 1:
            raise DomainError(
                _("You coordinate for several organisations: choose one."),
                field="organisation",
            )
        return organisations[0]

    @extend_schema(
        summary=_("Post a support request"),
        request=s.SupportRequestCreateSerializer,
        responses={201: s.SupportRequestSerializer, 400: PROBLEM, 403: PROBLEM},
    )
    def create(self, request):
        data = s.SupportRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organisation = self._organisation(fields.pop("organisation", None))
        created = services.request_create(actor=request.user, organisation=organisation, **fields)
        return self._present(created, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change a draft or open support request"),
        request=s.SupportRequestUpdateSerializer,
        responses={200: s.SupportRequestSerializer, 400: PROBLEM, 409: PROBLEM},
    )
    def partial_update(self, request, pk=None):
        instance = self.get_object()
        data = s.SupportRequestUpdateSerializer(instance, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        updated = services.request_update(
            actor=request.user, request=instance, **data.validated_data
        )
        return self._present(updated)

    @_transition_schema(_("Publish a draft: partners can see it from now on"))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._present(
            services.request_publish(actor=request.user, request=self.get_object())
        )

    @_transition_schema(_("Start the work of a filled request"))
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._present(services.request_start(actor=request.user, request=self.get_object()))

    @_transition_schema(_("Mark the work as completed"))
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._present(
            services.request_complete(actor=request.user, request=self.get_object())
        )

    @_transition_schema(_("Cancel a request"), request=s.CancelSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        instance = self.get_object()
        data = s.CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._present(
            services.request_cancel(
                actor=request.user, request=instance, reason=data.validated_data["reason"]
            )
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Open support requests for you"),
        description=_(
            "Open requests relevant to the partner profiles you manage: a language you speak (or "
            "none asked), and a place you serve or can reach, or online work."
        ),
    ),
    retrieve=extend_schema(summary=_("An open support request relevant to you")),
)
class OpenSupportRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.SupportRequestPartnerSerializer
    filterset_class = SupportRequestFilter
    queryset = SupportRequest.objects.none()

    def get_queryset(self):
        return (
            SupportRequest.objects.relevant_to_user(self.request.user)
            .with_details()
            .order_by("response_deadline", "pk")
        )
