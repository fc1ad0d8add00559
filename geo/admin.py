"""Gazetteer rows are reference data written by the loader (manage.py load_gazetteer), so the
admin only shows them: a name is corrected in geo/data/names.csv and reloaded, or an edit here
would be overwritten by the next load and missed by the in-memory index."""

from django.contrib import admin

from geo.models import (
    District,
    GazetteerLoad,
    GeocodeCache,
    Municipality,
    Neighbourhood,
    PostcodeArea,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlaceAdmin(ReadOnlyAdmin):
    search_fields = ["code", "name", "search_name"]
    list_filter = ["active"]
    exclude = ["boundary"]


@admin.register(Municipality)
class MunicipalityAdmin(PlaceAdmin):
    list_display = ["code", "name", "merged_into", "active"]
    list_select_related = ["merged_into"]


@admin.register(District)
class DistrictAdmin(PlaceAdmin):
    list_display = ["code", "name", "municipality", "active"]
    list_select_related = ["municipality"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(PlaceAdmin):
    list_display = ["code", "name", "district", "municipality", "active"]
    list_select_related = ["district__municipality", "municipality"]


@admin.register(PostcodeArea)
class PostcodeAreaAdmin(ReadOnlyAdmin):
    list_display = ["code", "place_name", "municipality", "nearest_neighbourhood", "active"]
    search_fields = ["code", "place_name"]
    list_filter = ["active"]
    list_select_related = ["municipality", "nearest_neighbourhood__municipality"]


@admin.register(GazetteerLoad)
class GazetteerLoadAdmin(ReadOnlyAdmin):
    list_display = ["loaded_at", "counts"]


@admin.register(GeocodeCache)
class GeocodeCacheAdmin(ReadOnlyAdmin):
    list_display = ["provider", "kind", "created"]
    list_filter = ["provider", "kind"]

    def has_delete_permission(self, request, obj=None):
        return True  # clearing a wrong cached answer is harmless
