"""The directory's filters, shared by the web page and the API (django-filter maps parameters
onto named queryset operations; the queryset does the work)."""

import django_filters
from django import forms
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from geo.models import Municipality, Neighbourhood
from marketplace.errors import DomainError
from partners.models import Community, Expertise, Language, PartnerProfile

DEFAULT_KM = 5


def search(queryset, text: str):
    """Full-text search on name and bio: PostgreSQL's text search, plain matching on SQLite."""
    text = (text or "").strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("display_name", weight="A", config="simple") + SearchVector(
            "bio", weight="B", config="simple"
        )
        query = SearchQuery(text, config="simple", search_type="websearch")
        prefix = Q(display_name__icontains=text)
        return queryset.annotate(search=vector).filter(Q(search=query) | prefix)
    words = text.split()
    condition = Q()
    for word in words:
        condition &= Q(display_name__icontains=word) | Q(bio__icontains=word)
    return queryset.filter(condition)


def near_point(queryset, lat: float, lon: float, km: float):
    """Partners whose home base or a served neighbourhood lies within `km` of a point."""
    nearby = [n.pk for n in Neighbourhood.objects.near(lat, lon, km)]
    return queryset.filter(Q(base_neighbourhood__in=nearby) | Q(neighbourhoods__in=nearby))


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of rows by their code (CBS code, ISO code): a string in the API schema."""


class DirectoryForm(forms.Form):
    def clean_near(self):
        """Resolve the place while validating, so a bad postcode is a field error (web and API)."""
        from geo.geocoders import resolve_place

        text = self.cleaned_data.get("near")
        if not text:
            return None
        try:
            return resolve_place(text)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search name or bio"), method="filter_q")
    language = django_filters.ModelChoiceFilter(
        label=_("Language"),
        field_name="languages__language",
        to_field_name="code",
        queryset=Language.objects.active(),
    )
    expertise = django_filters.ModelChoiceFilter(
        label=_("Kind of work"),
        field_name="expertise",
        to_field_name="code",
        queryset=Expertise.objects.active(),
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Community"),
        field_name="communities",
        to_field_name="code",
        queryset=Community.objects.active(),
    )
    municipality = CodeChoiceFilter(
        label=_("Municipality"),
        to_field_name="code",
        method="filter_municipality",
        queryset=Municipality.objects.current(),
    )
    neighbourhood = django_filters.CharFilter(
        label=_("Neighbourhood (CBS code)"), method="filter_neighbourhood"
    )
    near = django_filters.CharFilter(label=_("Near postcode or place"), method="filter_near")
    km = django_filters.NumberFilter(
        label=_("Within km"), method="filter_noop", min_value=0, max_value=100
    )
    mode = django_filters.ChoiceFilter(
        label=_("Works"),
        method="filter_mode",
        choices=[("in_person", _("in person")), ("online", _("online"))],
    )

    class Meta:
        model = PartnerProfile
        form = DirectoryForm
        fields = [
            "q",
            "language",
            "expertise",
            "community",
            "municipality",
            "neighbourhood",
            "near",
            "km",
            "mode",
        ]

    def filter_q(self, queryset, name, value):
        return search(queryset, value)

    def filter_municipality(self, queryset, name, municipality):
        return queryset.filter(
            Q(neighbourhoods__municipality=municipality)
            | Q(base_neighbourhood__municipality=municipality)
        )

    def filter_neighbourhood(self, queryset, name, value):
        return queryset.filter(neighbourhoods__code=value.strip().upper())

    def filter_near(self, queryset, name, place):
        km = self.form.cleaned_data.get("km") or DEFAULT_KM
        return near_point(queryset, place.lat, place.lon, float(km))

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_mode(self, queryset, name, value):
        return queryset.filter(**{value: True})

    def filter_queryset(self, queryset):
        # Joins through languages/neighbourhoods may repeat rows; keep each partner once.
        return super().filter_queryset(queryset).distinct()
