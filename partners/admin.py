"""Platform staff curate the taxonomy and verify partner profiles."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from marketplace.models import VerificationStatus
from partners import services
from partners.models import Community, Expertise, Language, Offer, PartnerLanguage, PartnerProfile


@admin.register(Expertise, Community, Language)
class TermAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "name_en", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["code", "name_nl", "name_en"]


class PartnerLanguageInline(admin.TabularInline):
    model = PartnerLanguage
    extra = 0


@admin.register(PartnerProfile)
class PartnerProfileAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "kind",
        "organisation",
        "compensation_mode",
        "is_published",
        "verification_status",
    ]
    list_filter = ["kind", "verification_status", "is_published", "compensation_mode"]
    search_fields = ["display_name", "organisation__name", "user__email"]
    autocomplete_fields = ["organisation", "user", "neighbourhoods", "base_neighbourhood"]
    readonly_fields = ["verification_status", "verified_at", "created_at", "updated_at"]
    inlines = [PartnerLanguageInline]
    actions = ["verify", "reject"]

    def _set(self, request, queryset, status, done):
        for profile in queryset:
            services.profile_set_verification(actor=request.user, profile=profile, status=status)
        self.message_user(request, done % {"n": queryset.count()}, messages.SUCCESS)

    @admin.action(description=_("Verify selected partner profiles"))
    def verify(self, request, queryset):
        self._set(request, queryset, VerificationStatus.VERIFIED, _("%(n)d profile(s) verified."))

    @admin.action(description=_("Reject selected partner profiles"))
    def reject(self, request, queryset):
        self._set(request, queryset, VerificationStatus.REJECTED, _("%(n)d profile(s) rejected."))


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "partner", "expertise", "price", "pricing", "is_published"]
    list_filter = ["is_published", "expertise"]
    search_fields = ["title", "partner__display_name"]
