from django.contrib import admin

from payments.models import AllowanceCap, LedgerCheck, LedgerEntry, RateCard


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    list_display = ["municipality", "year", "expertise", "hourly_rate"]
    list_filter = ["year", "expertise"]
    search_fields = ["municipality__name"]
    autocomplete_fields = ["municipality"]


@admin.register(AllowanceCap)
class AllowanceCapAdmin(admin.ModelAdmin):
    list_display = ["year", "per_hour", "per_hour_under_21", "per_month", "per_year"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "created_at", "kind", "amount", "payer", "payee", "reference"]
    list_filter = ["kind"]
    search_fields = ["reference", "object_id"]


@admin.register(LedgerCheck)
class LedgerCheckAdmin(ReadOnlyAdmin):
    list_display = ["checked_at", "ok", "entries_checked", "first_broken_seq"]
