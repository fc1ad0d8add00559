"""Django admin for platform staff: verify organisations, see memberships and the audit trail."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError
from marketplace.models import AuditEntry, Membership, Organisation, OrganisationInvitation, User
from marketplace.services import organisations as services


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "preferred_language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "kvk_number",
        "municipality",
        "verification_status",
        "created_at",
    ]
    list_filter = ["kind", "verification_status"]
    search_fields = ["name", "kvk_number"]
    readonly_fields = ["verification_status", "verified_at", "verified_by", "created_at"]
    autocomplete_fields = ["municipality"]
    filter_horizontal = ["contracted_by"]
    inlines = [MembershipInline]
    actions = ["verify", "reject"]

    def _run(self, request, queryset, service, done):
        for organisation in queryset:
            try:
                service(actor=request.user, organisation=organisation)
            except DomainError as exc:
                self.message_user(request, f"{organisation}: {exc.message}", messages.ERROR)
                return
        self.message_user(request, done % {"n": queryset.count()}, messages.SUCCESS)

    @admin.action(description=_("Verify selected organisations"))
    def verify(self, request, queryset):
        self._run(
            request, queryset, services.organisation_verify, _("%(n)d organisation(s) verified.")
        )

    @admin.action(description=_("Reject selected organisations"))
    def reject(self, request, queryset):
        self._run(
            request, queryset, services.organisation_reject, _("%(n)d organisation(s) rejected.")
        )


@admin.register(OrganisationInvitation)
class OrganisationInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "status", "created_at", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = [f.name for f in OrganisationInvitation._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "object_type", "object_id", "actor", "organisation"]
    list_filter = ["action"]
    search_fields = ["object_id", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
