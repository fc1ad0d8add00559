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


from payments.models import (  # noqa: E402
    PartnerPayoutAccount,
    Payment,
    PaymentAllocation,
    Payout,
    Refund,
    SepaBatch,
    StripeEvent,
)


class PaymentAllocationInline(admin.TabularInline):
    model = PaymentAllocation
    extra = 0
    can_delete = False
    readonly_fields = ["invoice", "statement", "amount", "amount_refunded"]


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fields = ["position", "description", "quantity", "unit_price", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "customer", "method", "state", "amount", "amount_refunded"]
    list_filter = ["state", "method"]
    search_fields = ["stripe_payment_intent_id", "reference", "customer__name"]
    inlines = [PaymentAllocationInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "payment", "amount", "reason"]


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "partner", "amount", "method", "state", "attempts"]
    list_filter = ["state", "method"]
    search_fields = ["partner__display_name", "stripe_transfer_id", "stripe_payout_id"]


@admin.register(SepaBatch)
class SepaBatchAdmin(ReadOnlyAdmin):
    list_display = ["message_id", "created_at", "number_of_transactions", "control_sum", "state"]
    exclude = ["xml"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "object_id", "received_at"]
    search_fields = ["event_id", "object_id"]


@admin.register(PartnerPayoutAccount)
class PartnerPayoutAccountAdmin(admin.ModelAdmin):
    list_display = ["partner", "method", "connect_ready", "town"]
    readonly_fields = ["stripe_account_id", "connect_ready"]
    search_fields = ["partner__display_name"]


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
