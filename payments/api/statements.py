"""Volunteer allowance over the API: statements (read-only, with the PDF) and usage against the
caps. Scoped like the pages (payments.statement_selectors): anything else is a 404.

    /allowance-statements/             list (?year, ?month, ?customer, ?supplier)
    /allowance-statements/{id}/        retrieve
    /allowance-statements/{id}/pdf/    the PDF
    /allowance-usage/                  the requesting volunteer's usage (?partner, ?year, ?month;
                                       a coordinator may ask for a partner they work with)
"""

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from marketplace.errors import DomainError
from payments import statement_selectors as selectors
from payments.allowance import allowance_notice, allowance_usage, hourly_cap_for
from payments.models import AllowanceStatement, PaymentStatus
from payments.statement_tasks import render_statement_pdf_task
from payments.storage import document_storage


class _Party(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class AllowanceStatementSerializer(serializers.ModelSerializer):
    organisation = serializers.SerializerMethodField()
    volunteer = serializers.SerializerMethodField()
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices, read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = AllowanceStatement
        fields = [
            "id",
            "number",
            "year",
            "month",
            "organisation",
            "volunteer",
            "organisation_name",
            "organisation_address",
            "volunteer_name",
            "period_start",
            "period_end",
            "issue_date",
            "due_date",
            "hours",
            "total",
            "month_total_after",
            "year_total_after",
            "payment_reference",
            "payment_status",
            "amount_paid",
            "pdf_url",
        ]
        read_only_fields = fields

    @extend_schema_field(_Party)
    def get_organisation(self, statement) -> dict:
        return {"id": statement.customer_id, "name": statement.organisation_name}

    @extend_schema_field(_Party)
    def get_volunteer(self, statement) -> dict:
        return {"id": statement.supplier_id, "name": statement.volunteer_name}

    def get_pdf_url(self, statement) -> str:
        url = reverse("allowance-statement-pdf", args=[statement.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class AllowanceStatementFilter(filters.FilterSet):
    class Meta:
        model = AllowanceStatement
        fields = {
            "year": ["exact"],
            "month": ["exact"],
            "customer": ["exact"],
            "supplier": ["exact"],
        }


@extend_schema_view(
    list=extend_schema(summary=_("Allowance statements of your organisations or your own")),
    retrieve=extend_schema(summary=_("One allowance statement")),
)
class AllowanceStatementViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AllowanceStatementSerializer
    filterset_class = AllowanceStatementFilter
    queryset = AllowanceStatement.objects.none()

    def get_queryset(self):
        return selectors.statements_visible_to(self.request.user).order_by(
            "-year", "-month", "-sequence"
        )

    @extend_schema(
        summary=_("The statement as PDF"),
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description=_("Not found or not yours to see.")),
        },
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        statement = self.get_object()
        if not statement.pdf:
            render_statement_pdf_task(statement.pk)  # the worker is behind: render now
            statement.refresh_from_db()
        return FileResponse(
            document_storage().open(statement.pdf.name, "rb"),
            as_attachment=True,
            filename=f"{statement.number}.pdf",
            content_type="application/pdf",
        )


class AllowanceUsageSerializer(serializers.Serializer):
    partner = _Party(read_only=True)
    year = serializers.IntegerField(read_only=True)
    month = serializers.IntegerField(read_only=True)
    month_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    month_cap = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    month_left = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    year_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    year_cap = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    year_left = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    hourly_cap = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    hourly_cap_explanation = serializers.CharField(read_only=True)
    under_21 = serializers.BooleanField(read_only=True)
    birth_date_known = serializers.BooleanField(read_only=True)
    notice = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("A warning once 80 percent of a cap is used.")
    )


def _usage(profile, year: int, month: int) -> dict:
    usage = allowance_usage(profile, year, month)
    day = timezone.localdate()
    day = day if (day.year, day.month) == (year, month) else day.replace(year, month, 1)
    hourly = hourly_cap_for(profile, day)
    return {
        "partner": {"id": profile.pk, "name": profile.display_name},
        "year": year,
        "month": month,
        "month_total": usage.month_total,
        "month_cap": usage.cap.per_month,
        "month_left": usage.month_left,
        "year_total": usage.year_total,
        "year_cap": usage.cap.per_year,
        "year_left": usage.year_left,
        "hourly_cap": hourly.amount,
        "hourly_cap_explanation": hourly.explanation,
        "under_21": hourly.under_21,
        "birth_date_known": hourly.birth_date_known,
        "notice": allowance_notice(profile, day),
    }


def _int_param(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise DomainError(
            _("%(name)s must be a number from %(low)s to %(high)s.")
            % {"name": name, "low": low, "high": high},
            field=name,
        )
    return value


class AllowanceUsageViewSet(viewsets.GenericViewSet):
    serializer_class = AllowanceUsageSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        summary=_("Allowance received against the caps, all organisations together"),
        parameters=[
            OpenApiParameter(
                "partner",
                int,
                description=_(
                    "A partner profile: your own, one your MZO dispatches, or (for a "
                    "coordinator) one your organisation works with. Default: your own."
                ),
            ),
            OpenApiParameter("year", int, description=_("Default: this year.")),
            OpenApiParameter("month", int, description=_("1-12. Default: this month.")),
        ],
        responses={
            200: AllowanceUsageSerializer(many=True),
            400: OpenApiResponse(description=_("application/problem+json with the reason.")),
        },
    )
    def list(self, request):
        today = timezone.localdate()
        year = _int_param(request, "year", today.year, 2000, 2100)
        month = _int_param(request, "month", today.month, 1, 12)
        partner = request.query_params.get("partner")
        if partner in (None, ""):
            profiles = list(selectors.volunteers_of(request.user).order_by("display_name", "pk"))
        else:
            partner_id = _int_param(request, "partner", 0, 1, 2**62)
            profile = (
                selectors.volunteers_of(request.user).filter(pk=partner_id).first()
                or selectors.partners_worked_with(request.user).filter(pk=partner_id).first()
            )
            if profile is None:
                raise Http404
            profiles = [profile]
        data = [_usage(p, year, month) for p in profiles]
        return Response(AllowanceUsageSerializer(data, many=True).data)
