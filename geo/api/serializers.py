"""Output shapes of the geo API. Read-only: geo's data changes only through the loader."""

from rest_framework import serializers

from geo.models import District, Municipality, Neighbourhood


class LookupQuerySerializer(serializers.Serializer):
    # Blank is allowed here so that an empty query gets the gazetteer's own clear message.
    q = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AutocompleteQuerySerializer(LookupQuerySerializer):
    limit = serializers.IntegerField(min_value=1, max_value=10, required=False, default=10)


class ReverseQuerySerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


class GeoRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ResolvedPlaceSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="pc6, pc4, neighbourhood, district, place, municipality, point or address."
    )
    label = serializers.CharField()
    code = serializers.CharField(allow_null=True, help_text="CBS code (or PC4) of the match.")
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    pc4 = serializers.CharField(allow_null=True)
    municipality = GeoRefSerializer()
    district = GeoRefSerializer(allow_null=True)
    neighbourhood = GeoRefSerializer(allow_null=True)
    distance_km = serializers.FloatField(
        allow_null=True, help_text="For a point: distance to the neighbourhood's label point."
    )


class PlaceSuggestionSerializer(serializers.Serializer):
    label = serializers.CharField()
    kind = serializers.CharField()
    code = serializers.CharField(
        allow_null=True, help_text="CBS code or PC4; none for a town, look it up by label."
    )
    name = serializers.CharField()
    municipality = GeoRefSerializer()
    lat = serializers.FloatField()
    lon = serializers.FloatField()


class GeoMunicipalitySerializer(serializers.ModelSerializer):
    merged_into = serializers.CharField(
        source="merged_into.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Municipality
        fields = ["code", "name", "aliases", "lat", "lon", "merged_into"]
        read_only_fields = fields


class GeoDistrictSerializer(serializers.ModelSerializer):
    municipality = GeoRefSerializer()

    class Meta:
        model = District
        fields = ["code", "name", "aliases", "lat", "lon", "municipality", "boundary"]
        read_only_fields = fields


class GeoNeighbourhoodSerializer(serializers.ModelSerializer):
    district = GeoRefSerializer()
    municipality = GeoRefSerializer()

    class Meta:
        model = Neighbourhood
        fields = ["code", "name", "aliases", "lat", "lon", "district", "municipality"]
        read_only_fields = fields
