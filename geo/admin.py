from django.contrib import admin

from geo.models import District, Municipality, Neighbourhood, PostcodeArea


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name", "search_name"]
    exclude = ["boundary"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "municipality"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["municipality"]
    exclude = ["boundary"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "municipality"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["district", "municipality"]
    exclude = ["boundary"]


@admin.register(PostcodeArea)
class PostcodeAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "place_name", "municipality", "nearest_neighbourhood"]
    search_fields = ["code", "place_name"]
    list_select_related = ["municipality", "nearest_neighbourhood"]
