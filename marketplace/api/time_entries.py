"""Hours over the API. Who sees what is decided by the queryset
(marketplace.time_entry_selectors): the care organisation sees the hours on its engagements,
the partner side the hours on its own; anything else is a 404. The services in
marketplace.services.time_entries write and check every rule.

    /time-entries/                      list (filters: engagement, status, date_from, date_to),
                                        create (= log, partner side)
    /time-entries/{id}/                 retrieve, update/partial update (partner side, while
                                        waiting), delete (= withdraw, partner side)
    /time-entries/{id}/approve/         care side
    /time-entries/{id}/reject/          care side, with a reason
    /time-entries/bulk-approve/         care side, several at once: per-entry results
"""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from marketplace import time_entry_selectors as selectors
from marketplace.api.engagements import _ActivitySerializer
from marketplace.models import TimeEntry, TimeEntryStatus
from marketplace.services import time_entries as services
from partners.models import Expertise
from requests.privacy import validate_no_personal_data

PROBLEM = OpenApiResponse(description=_("application/problem+json with the reason."))


class TimeEntryFilter(django_filters.FilterSet):
    engagement = django_filters.NumberFilter(field_name="engagement_id", label=_("Engagement"))
    status = django_filters.MultipleChoiceFilter(
        choices=TimeEntryStatus.choices, label=_("Status"), help_text=_("Repeat to combine.")
    )
    date_from = django_filters.DateFilter(
        field_name="work_date", lookup_expr="gte", label=_("Worked on or after")
    )
    date_to = django_filters.DateFilter(
        field_name="work_date", lookup_expr="lte", label=_("Worked on or before")
    )

    class Meta:
        model = TimeEntry
        fields = ["engagement", "status", "date_from", "date_to"]


class TimeEntrySerializer(serializers.ModelSerializer):
    activity = _ActivitySerializer(read_only=True)
    status = serializers.ChoiceField(choices=TimeEntryStatus.choices, read_only=True)
    logged_by_me = serializers.SerializerMethodField()

    class Meta:
        model = TimeEntry
        fields = [
            "id",
            "engagement",
            "work_date",
            "hours",
            "activity",
            "note",
            "status",
            "logged_by_me",
            "decided_at",
            "reject_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_logged_by_me(self, entry: TimeEntry) -> bool:
        request = self.context.get("request")
        return request is not None and entry.logged_by_id == request.user.pk


class _EntryInput(serializers.Serializer):
    work_date = serializers.DateField(help_text=_("Not in the future; inside the period."))
    hours = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        help_text=_("In quarters of an hour, more than 0 and at most 24."),
    )
    activity = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Expertise.objects.active(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Kind of work (code); the engagement's when empty."),
    )
    note = serializers.CharField(
        max_length=services.NOTE_MAX,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_no_personal_data],
    )


class TimeEntryCreateSerializer(_EntryInput):
    engagement = serializers.IntegerField(help_text=_("One of your engagements."))


class TimeEntryUpdateSerializer(_EntryInput):
    pass


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=services.REASON_MAX, validators=[validate_no_personal_data]
    )


class BulkApproveSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, max_length=500, allow_empty=False
    )


class ApprovalResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    approved = serializers.BooleanField()
    code = serializers.CharField(allow_null=True)
    detail = serializers.CharField(allow_null=True)
    entry = TimeEntrySerializer(allow_null=True)


class BulkApproveResponseSerializer(serializers.Serializer):
    summary = serializers.CharField()
    results = ApprovalResultSerializer(many=True)


@extend_schema_view(
    list=extend_schema(summary=_("Hours on your engagements")),
    retrieve=extend_schema(
        summary=_("One time entry"), responses={200: TimeEntrySerializer, 404: PROBLEM}
    ),
)
class TimeEntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TimeEntrySerializer
    filterset_class = TimeEntryFilter
    queryset = TimeEntry.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        return selectors.with_entry_details(
            selectors.time_entries_visible_to(self.request.user)
        ).order_by("-work_date", "-pk")

    def _present(self, entry: TimeEntry, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.with_entry_details(TimeEntry.objects.all()).get(pk=entry.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        summary=_("Log hours (partner side)"),
        request=TimeEntryCreateSerializer,
        responses={201: TimeEntrySerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM},
    )
    def create(self, request):
        data = TimeEntryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        engagement = get_object_or_404(
            selectors.engagements_with_hours_visible_to(request.user), pk=fields.pop("engagement")
        )
        entry = services.time_entry_log(actor=request.user, engagement=engagement, **fields)
        return self._present(entry, status.HTTP_201_CREATED)

    def _update(self, request, partial: bool):
        entry = self.get_object()
        data = TimeEntryUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k in request.data}
        if not partial:
            fields = dict(data.validated_data)
        return self._present(services.time_entry_update(actor=request.user, entry=entry, **fields))

    @extend_schema(
        summary=_("Correct hours waiting for approval (partner side)"),
        request=TimeEntryUpdateSerializer,
        responses={200: TimeEntrySerializer, 400: PROBLEM, 403: PROBLEM, 409: PROBLEM},
    )
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(
        summary=_("Correct some fields of hours waiting for approval (partner side)"),
        request=TimeEntryUpdateSerializer,
        responses={200: TimeEntrySerializer, 400: PROBLEM, 403: PROBLEM, 409: PROBLEM},
    )
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    @extend_schema(
        summary=_("Withdraw hours waiting for approval (partner side)"),
        description=_("The entry stays, with status withdrawn; approved hours cannot be."),
        request=None,
        responses={200: TimeEntrySerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
    )
    def destroy(self, request, pk=None):
        return self._present(
            services.time_entry_withdraw(actor=request.user, entry=self.get_object())
        )

    @extend_schema(
        summary=_("Approve hours (care side)"),
        description=_("Never your own hours. Approved hours are locked."),
        request=None,
        responses={200: TimeEntrySerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._present(
            services.time_entry_approve(actor=request.user, entry=self.get_object())
        )

    @extend_schema(
        summary=_("Reject hours with a reason (care side)"),
        request=RejectSerializer,
        responses={200: TimeEntrySerializer, 400: PROBLEM, 403: PROBLEM, 409: PROBLEM},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        entry = self.get_object()
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._present(
            services.time_entry_reject(
                actor=request.user, entry=entry, reason=data.validated_data["reason"]
            )
        )

    @extend_schema(
        summary=_("Approve several entries at once (care side)"),
        description=_(
            "Each entry is approved on its own, in date order: the answer lists per entry "
            "whether it was approved and, if not, why (code and detail). Ids you cannot see "
            "are reported as not found."
        ),
        request=BulkApproveSerializer,
        responses={200: BulkApproveResponseSerializer, 400: PROBLEM},
    )
    @action(detail=False, methods=["post"], url_path="bulk-approve")
    def approve_many(self, request):
        data = BulkApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(data.validated_data["ids"]))
        entries = list(self.get_queryset().filter(pk__in=ids))
        results = services.time_entries_approve(actor=request.user, entries=entries)
        found = {r.entry.pk for r in results}
        rows = [
            {
                "id": r.entry.pk,
                "approved": r.approved,
                "code": r.error.code if r.error else None,
                "detail": r.error.message if r.error else None,
                "entry": self.get_serializer(
                    selectors.with_entry_details(TimeEntry.objects.all()).get(pk=r.entry.pk)
                ).data,
            }
            for r in results
        ]
        missing = [pk for pk in ids if pk not in found]
        rows += [
            {
                "id": pk,
                "approved": False,
                "code": "not_found",
                "detail": str(_("No time entry with this id is visible to you.")),
                "entry": None,
            }
            for pk in missing
        ]
        summary = services.approval_summary(results, not_found=len(missing))
        return Response({"summary": summary, "results": rows})
