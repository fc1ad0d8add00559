"""Navigation by role: one place decides which menu items a person sees."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from marketplace.models import OrganisationKind, Role


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    items = [(reverse("partners:directory"), _("Find a partner"))]
    if user is not None and user.is_authenticated:
        memberships = list(user.memberships.active().select_related("organisation"))
        roles = {m.role for m in memberships}
        items.insert(0, (reverse("start"), _("Start")))
        for membership in memberships:
            items.append(
                (
                    reverse("organisation_detail", args=[membership.organisation_id]),
                    membership.organisation.name,
                )
            )
        if any(
            m.role in (Role.COORDINATOR, Role.ADMIN)
            and m.organisation.kind == OrganisationKind.CARE
            for m in memberships
        ):
            items.append((reverse("requests:list"), _("Support requests")))
            items.append((reverse("engagements:list"), _("Engagements")))
            items.append((reverse("hours:to_approve"), _("Hours to approve")))
            items.append((reverse("money:pay"), _("Pay")))
            items.append((reverse("statements:list"), _("Allowance statements")))
        if roles & {Role.KEY_PERSON, Role.ADMIN} or user.partner_profiles.exists():
            items.append((reverse("partners:mine"), _("Partner profiles")))
            items.append((reverse("requests:for_you"), _("Open requests for you")))
            items.append((reverse("engagements:invitations"), _("Invitations")))
            items.append((reverse("hours:mine"), _("My hours")))
            items.append((reverse("money:my_payouts"), _("My payouts")))
            items.append((reverse("statements:mine"), _("My allowance")))
        if (
            user.is_staff
            or roles & {Role.COORDINATOR, Role.ADMIN, Role.AUDITOR}
            or user.partner_profiles.exists()
        ):
            items.append((reverse("invoices:list"), _("Invoices")))
        if Role.AUDITOR in roles or user.is_staff:
            items.append((reverse("audit:dashboard"), _("Audit")))
        if user.is_staff:
            items.append((reverse("money:staff"), _("Money")))
            items.append((reverse("admin:index"), _("Platform admin")))
        return {
            "nav_items": items,
            "nav_roles": roles,
            "nav_memberships": memberships,
            "Role": Role,
        }
    return {"nav_items": items, "nav_roles": set(), "nav_memberships": [], "Role": Role}
