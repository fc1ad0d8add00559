"""Changing how an engagement is paid, e.g. when a volunteer nears the allowance caps.

The compensation mode lives on the engagement; hours follow it when they are billed. Hours that a
statement or invoice already covers stay on that document; only approved or pending hours without
an active billing are paid the new way from now on.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.engagement_selectors import is_care_side
from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import Engagement, TimeEntry, TimeEntryStatus, User
from partners.models import CompensationMode
from payments.allowance import check_agreed_rate, ensure_within_caps, entry_amount
from payments.models import BilledTimeEntry

REASON_MAX = 1000


def _unbilled_entries(engagement: Engagement):
    return (
        TimeEntry.objects.filter(
            engagement=engagement,
            status__in=[TimeEntryStatus.SUBMITTED, TimeEntryStatus.APPROVED],
        )
        .filter(
            ~Exists(
                BilledTimeEntry.objects.filter(time_entry=OuterRef("pk"), released_at__isnull=True)
            )
        )
        .select_related("engagement")
        .order_by("work_date", "pk")
    )


@transaction.atomic
def engagement_change_compensation(
    *, actor: User, engagement: Engagement, mode: str, reason: str
) -> Engagement:
    """The care organisation pays an engagement another way from now on (allowance, invoice or
    cost reimbursement). Entries already billed stay on their documents."""
    engagement = (
        Engagement.objects.select_for_update().select_related("partner").get(pk=engagement.pk)
    )
    if not is_care_side(actor, engagement.organisation_id):
        raise PermissionDenied(
            _("Only coordinators of the care organisation can change how this work is paid.")
        )
    if mode not in CompensationMode.values:
        raise DomainError(_("Choose how this work is paid."), field="mode")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the compensation changes."), code="required", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(
            _("Keep the reason under %(max)s characters.") % {"max": REASON_MAX}, field="reason"
        )
    if engagement.compensation_mode == mode:
        return engagement
    entries = list(_unbilled_entries(engagement))
    if mode == CompensationMode.ALLOWANCE:
        check_agreed_rate(
            partner=engagement.partner,
            compensation_mode=mode,
            rate=engagement.hourly_rate,
            on_date=engagement.period_start,
            reason=engagement.rate_above_cap_reason,
        )
        # The approved hours would count as allowance at once: they must fit the caps.
        months: dict = {}
        for entry in entries:
            if entry.status == TimeEntryStatus.APPROVED:
                first = entry.work_date.replace(day=1)
                months[first] = months.get(first, 0) + entry_amount(entry)
        for first, amount in sorted(months.items()):
            ensure_within_caps(engagement.partner, first, amount)
    previous = engagement.compensation_mode
    Engagement.objects.filter(pk=engagement.pk).update(compensation_mode=mode)
    engagement.compensation_mode = mode
    audit.record(
        actor=actor,
        action="engagement.compensation_changed",
        obj=engagement,
        organisation=engagement.organisation,
        previous=previous,
        mode=mode,
        entries_moved=[e.pk for e in entries],
        reason=reason,  # a business reason the auditor needs, asked for as such
    )
    return engagement
