"""The gazetteer over HTTP: public reference data, read-only, for forms and maps."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from geo import selectors
from geo.api import filters
from geo.api import serializers as s
from geo.errors import PlaceNotFound
from geo.models import District, Municipality, Neighbourhood

_in_geo_section = extend_schema_view(
    list=extend_schema(tags=["geo"]), retrieve=extend_schema(tags=["geo"])
)
NOT_FOUND = OpenApiResponse(
    description="problem+json with code place_not_found: the text is empty, a malformed or "
    "unknown postcode, an unknown or ambiguous name; `detail` says which."
)


class LookupView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["geo"],
        parameters=[s.LookupQuerySerializer],
        responses={200: s.ResolvedPlaceSerializer, 400: NOT_FOUND},
    )
    def get(self, request):
        """Resolve a postcode ("2525 AB", "2525"), CBS code or name ("Schilderswijk") to a
        neighbourhood, district and municipality with a point."""
        query = s.LookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            place = selectors.resolve_place(query.validated_data["q"])
        except PlaceNotFound as exc:
            raise exc.for_field("q") from exc
        return Response(s.ResolvedPlaceSerializer(place).data)


class ReverseView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["geo"],
        parameters=[s.ReverseQuerySerializer],
        responses={200: s.ResolvedPlaceSerializer, 400: NOT_FOUND},
    )
    def get(self, request):
        """The neighbourhood nearest a point (by label point, within 10 km)."""
        query = s.ReverseQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        place = selectors.reverse_place(query.validated_data["lat"], query.validated_data["lon"])
        return Response(s.ResolvedPlaceSerializer(place).data)


class AutocompleteView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["geo"],
        parameters=[s.AutocompleteQuerySerializer],
        responses=s.PlaceSuggestionSerializer(many=True),
    )
    def get(self, request):
        """Up to 10 places whose name starts with the text ("schild" → "Schilderswijk, Den
        Haag"), or postcodes starting with the digits; Haaglanden first."""
        query = s.AutocompleteQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        areas = selectors.suggest_places(
            query.validated_data["q"], limit=query.validated_data["limit"]
        )
        return Response(s.PlaceSuggestionSerializer(areas, many=True).data)


@_in_geo_section
class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.GeoMunicipalitySerializer
    filterset_class = filters.MunicipalityFilter
    lookup_field = "code"
    queryset = Municipality.objects.active().select_related("merged_into").order_by("name", "code")


@_in_geo_section
class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.GeoDistrictSerializer
    filterset_class = filters.DistrictFilter
    lookup_field = "code"
    queryset = District.objects.active().select_related("municipality").order_by("code")


@_in_geo_section
class NeighbourhoodViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.GeoNeighbourhoodSerializer
    filterset_class = filters.NeighbourhoodFilter
    lookup_field = "code"
    queryset = (
        Neighbourhood.objects.active().select_related("district", "municipality").order_by("code")
    )
