"""Platform staff look at support requests (read-only); the one change they make here, cancelling,
goes through the service so it is checked and audited like any other."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError
from requests import services
from requests.models import RequestLanguage, SupportRequest


class RequestLanguageInline(admin.TabularInline):
    model = RequestLanguage
    extra = 0
    can_delete = False
    readonly_fields = ["language", "requirement", "min_proficiency"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "organisation",
        "status",
        "expertise",
        "neighbourhood",
        "mode",
        "response_deadline",
        "created_at",
    ]
    list_filter = ["status", "mode", "expertise", "neighbourhood__municipality"]
    search_fields = ["title", "organisation__name", "neighbourhood__name", "neighbourhood__code"]
    date_hierarchy = "created_at"
    list_select_related = ["organisation", "expertise", "neighbourhood__municipality"]
    inlines = [RequestLanguageInline]
    actions = ["cancel"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Cancel selected requests"), permissions=["view"])
    def cancel(self, request, queryset):
        done, refused = 0, []
        for support_request in queryset:
            try:
                services.request_cancel(
                    actor=request.user,
                    request=support_request,
                    reason=str(_("Cancelled by platform staff.")),
                )
                done += 1
            except DomainError as exc:
                refused.append(f"{support_request.title}: {exc.message}")
        if done:
            self.message_user(request, _("%(n)d request(s) cancelled.") % {"n": done})
        for message in refused:
            self.message_user(request, message, messages.WARNING)
