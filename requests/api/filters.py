"""Filters for support-request lists (API and web). They only map parameters onto the queryset."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from requests.models import Mode, RequestLanguage, Status, SupportRequest


class SupportRequestFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label=_("Status"), help_text=_("Repeat to combine statuses.")
    )
    expertise = django_filters.CharFilter(method="filter_expertise", label=_("Kind of work (code)"))
    language = django_filters.CharFilter(
        method="filter_language",
        label=_("Language (ISO 639 code)"),
        help_text=_("Requests that need or prefer this language, e.g. ti, ary or pap."),
    )
    municipality = django_filters.CharFilter(
        method="filter_municipality", label=_("Municipality (CBS code, e.g. GM0518)")
    )
    neighbourhood = django_filters.CharFilter(
        method="filter_neighbourhood", label=_("Neighbourhood (CBS code, e.g. BU05182915)")
    )
    mode = django_filters.ChoiceFilter(choices=Mode.choices, label=_("In person or online"))
    period_from = django_filters.DateFilter(
        field_name="period_end",
        lookup_expr="gte",
        label=_("Period overlaps: from"),
        help_text=_("Requests whose period has not ended before this date."),
    )
    period_to = django_filters.DateFilter(
        field_name="period_start",
        lookup_expr="lte",
        label=_("Period overlaps: until"),
        help_text=_("Requests whose period starts on or before this date."),
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("response_deadline", "response_deadline"),
            ("period_start", "period_start"),
            ("created_at", "created_at"),
            ("budget_ceiling", "budget_ceiling"),
            ("hours_estimated", "hours_estimated"),
        ),
        label=_("Order by"),
    )

    class Meta:
        model = SupportRequest
        fields = ["status", "mode"]

    def filter_expertise(self, queryset, name, value):
        return queryset.filter(expertise__code=value.strip().lower())

    def filter_language(self, queryset, name, value):
        needs = RequestLanguage.objects.filter(
            request=OuterRef("pk"), language__code=value.strip().lower()
        )
        return queryset.filter(Exists(needs))

    def filter_municipality(self, queryset, name, value):
        return queryset.filter(neighbourhood__municipality__code=value.strip().upper())

    def filter_neighbourhood(self, queryset, name, value):
        return queryset.filter(neighbourhood__code=value.strip().upper())
