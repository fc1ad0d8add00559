"""Query parameters of the geo lists, mapped onto the named querysets of geo.models."""

import django_filters

from geo.models import District, Municipality, Neighbourhood


class MunicipalityFilter(django_filters.FilterSet):
    current = django_filters.BooleanFilter(
        method="filter_current", help_text="Only municipalities that exist today."
    )
    q = django_filters.CharFilter(method="filter_q", help_text="Part of the name.")

    class Meta:
        model = Municipality
        fields = ["current", "q"]

    def filter_current(self, queryset, name, value):
        return queryset.current() if value else queryset.exclude(merged_into__isnull=True)

    def filter_q(self, queryset, name, value):
        return queryset.matching(value)


class DistrictFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(
        method="filter_municipality",
        help_text="Municipality code (GMgggg); includes municipalities merged into it.",
    )
    q = django_filters.CharFilter(method="filter_q", help_text="Part of the name.")

    class Meta:
        model = District
        fields = ["municipality", "q"]

    def filter_municipality(self, queryset, name, value):
        return queryset.in_municipality(value)

    def filter_q(self, queryset, name, value):
        return queryset.matching(value)


class NeighbourhoodFilter(DistrictFilter):
    district = django_filters.CharFilter(
        method="filter_district", help_text="District code (WKggggww)."
    )

    class Meta:
        model = Neighbourhood
        fields = ["municipality", "district", "q"]

    def filter_district(self, queryset, name, value):
        return queryset.filter(district__code=value.upper())
