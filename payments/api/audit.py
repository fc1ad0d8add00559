"""The audit figures through the API: the same tables as the dashboard and its exports."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from payments.reports import exports, figures
from payments.reports.periods import period_from
from payments.reports.scope import municipality_for


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


class AuditView(APIView):
    """Audit figures of one municipality and period (auditors of that municipality and staff)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("municipality", str, description="CBS code, e.g. GM0518"),
            OpenApiParameter("period", str, enum=["month", "quarter", "year", "custom"]),
            OpenApiParameter("value", str, description="2026, 2026-Q1 or 2026-03"),
            OpenApiParameter("start", OpenApiTypes.DATE, description="custom period start"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="custom period end"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        municipality = municipality_for(request.user, request.query_params.get("municipality"))
        try:
            period = period_from(request.query_params)
        except DjangoValidationError as exc:
            raise ValidationError({"period": exc.messages}) from None
        fairness = figures.fairness(municipality, period)
        known = figures.facts(municipality, period)
        footing = figures.footing(municipality, period, known)
        tables = exports.tables(municipality, period, known)
        return Response(
            {
                "municipality": {"code": municipality.code, "name": municipality.name},
                "period": {
                    "start": period.start,
                    "end": period.end,
                    "label": period.label,
                },
                "small_count_threshold": figures.SMALL_COUNT,
                "equal_footing": {
                    "requests_published": footing.requests_published,
                    "requests_matched": footing.requests_matched,
                    "median_days_to_match": footing.median_days_to_match,
                    "payout_days_median": footing.payout_days_median,
                    "payout_days_p90": footing.payout_days_p90,
                },
                "fairness": {
                    "partners_engaged": fairness.partners_engaged,
                    "engagements": fairness.engagements,
                    "top_decile_share": fairness.top_decile_share,
                    "partners_proposed": fairness.partners_proposed,
                    "chosen_from_proposals": fairness.chosen_from_proposals,
                    "chosen_outside_proposals": fairness.chosen_outside_proposals,
                },
                "tables": {
                    slug: {
                        "title": str(table["title"]),
                        "header": [str(h) for h in table["header"]],
                        "rows": [[_plain(v) for v in row] for row in table["rows"]],
                    }
                    for slug, table in tables.items()
                },
            }
        )
