"""Navigation by role: one place decides which menu items a person sees."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from marketplace.models import Role


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        memberships = list(user.memberships.active().select_related("organisation"))
        roles = {m.role for m in memberships}
        items.append((reverse("start"), _("Start")))
        for membership in memberships:
            items.append(
                (
                    reverse("organisation_detail", args=[membership.organisation_id]),
                    membership.organisation.name,
                )
            )
        if user.is_staff:
            items.append((reverse("admin:index"), _("Platform admin")))
        return {
            "nav_items": items,
            "nav_roles": roles,
            "nav_memberships": memberships,
            "Role": Role,
        }
    return {"nav_items": items, "nav_roles": set(), "nav_memberships": [], "Role": Role}
