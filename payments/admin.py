from django.contrib import admin

from payments.models import (
    AllowanceCap,
    Invoice,
    InvoiceLine,
    LedgerCheck,
    LedgerEntry,
    RateCard,
)


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


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fields = ["position", "description", "quantity", "unit_price", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    """Issued invoices are never edited (a credit note corrects them): look, don't touch."""

    list_display = [
        "number",
        "kind",
        "issue_date",
        "supplier_name",
        "customer_name",
        "total",
        "payment_status",
    ]
    list_filter = ["kind", "payment_status", "vat_code"]
    search_fields = ["number", "supplier_name", "customer_name", "payment_reference"]
    date_hierarchy = "issue_date"
    inlines = [InvoiceLineInline]

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff
