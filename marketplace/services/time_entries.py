"""Writes for hours: the partner logs time on an engagement, the care coordinator decides.

    time entry: submitted → approved | rejected   (care side, never the person who logged it)
                submitted → withdrawn             (partner side)
    approved entries are locked: they are what invoices and allowance statements are made of.

The rules, each refused with a message that names the numbers:
- only an active engagement takes hours, on a date inside its period and not in the future;
- hours in quarters of an hour, more than 0 and at most 24;
- one person logs at most 24 h on one day across all their engagements (an MZO's own profile
  stands for several people, so for it the 24 h hold per engagement);
- waiting plus approved hours stay within the engagement's maximum until the care coordinator
  raises it.

Locks, always in this order so two services never wait for each other in a cycle: the partner
profile(s) of the person (serialises everything that person logs, so two entries logged at once
cannot together cross 24 h), then the engagement (the maximum), then the entry.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace import audit
from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.models import (
    Engagement,
    EngagementStatus,
    TimeEntry,
    TimeEntryStatus,
    User,
)
from marketplace.models.time_entries import HOURS_STEP, MAX_HOURS_PER_DAY
from marketplace.permissions import ensure_role
from marketplace.services.engagements import (
    _distinct,
    _email,
    _engagement_care_contacts,
    _guard,
    _partner_contacts,
    _url,
)
from marketplace.time_entry_selectors import logs_for_partner
from partners.models import Expertise, PartnerKind, PartnerProfile
from requests.models import MANAGER_ROLES

NOTE_MAX = 500
REASON_MAX = 1000


# --- formatting for messages ------------------------------------------------------------------


def fmt_hours(value: Decimal) -> str:
    """25.50 → "25.5", 24.00 → "24", 0.25 → "0.25"."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _fmt_date(value: date) -> str:
    return formats.date_format(value, "j F Y")


# --- checks -----------------------------------------------------------------------------------


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter the hours as a number, e.g. 1.5."), field="hours") from None
    if not hours.is_finite() or hours <= 0:
        raise DomainError(_("The hours must be more than 0."), field="hours")
    if hours > MAX_HOURS_PER_DAY:
        raise DomainError(
            _("%(hours)s h is more than a day has; the most is 24 h.")
            % {"hours": fmt_hours(hours)},
            field="hours",
        )
    if hours % HOURS_STEP:
        raise DomainError(
            _("Log hours in quarters of an hour (0.25, 0.5, 0.75 …); %(hours)s is not one.")
            % {"hours": fmt_hours(hours)},
            field="hours",
        )
    return hours.quantize(Decimal("0.01"))


def _work_date(engagement: Engagement, work_date: date | None) -> date:
    if work_date is None:
        raise DomainError(_("Choose the date you worked."), code="required", field="work_date")
    today = timezone.localdate()
    if work_date > today:
        raise DomainError(
            _("%(date)s is in the future: log hours once you have worked them.")
            % {"date": _fmt_date(work_date)},
            code="date_in_future",
            field="work_date",
        )
    if not engagement.period_start <= work_date <= engagement.period_end:
        raise DomainError(
            _("%(date)s is outside the engagement's period (%(start)s to %(end)s).")
            % {
                "date": _fmt_date(work_date),
                "start": _fmt_date(engagement.period_start),
                "end": _fmt_date(engagement.period_end),
            },
            code="date_outside_period",
            field="work_date",
        )
    return work_date


def _activity(engagement: Engagement, activity) -> Expertise:
    if activity is None:
        return engagement.activity
    activity_id = getattr(activity, "pk", activity)
    found = Expertise.objects.active().filter(pk=activity_id).first()
    if found is None:
        raise DomainError(_("Choose a kind of work from the list."), field="activity")
    return found


def _ensure_active(engagement: Engagement) -> None:
    if engagement.status != EngagementStatus.ACTIVE:
        raise Conflict(
            _("Hours can only be logged on an active engagement; this one is %(status)s.")
            % {"status": engagement.get_status_display().lower()},
            code="engagement_not_active",
        )


def _person_profiles(partner: PartnerProfile) -> list[int] | None:
    """The profiles of the one person behind `partner` (their hours add up per day), or None for
    an MZO's own profile, whose hours come from several people."""
    if partner.kind != PartnerKind.KEY_PERSON:
        return None
    if partner.user_id is None:
        return [partner.pk]
    return list(
        PartnerProfile.objects.filter(kind=PartnerKind.KEY_PERSON, user_id=partner.user_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _lock_for_logging(engagement_id: int) -> tuple[Engagement, list[int] | None]:
    """Lock the person's profiles, then the engagement (the module's lock order)."""
    partner = PartnerProfile.objects.get(
        pk=Engagement.objects.values_list("partner_id", flat=True).get(pk=engagement_id)
    )
    person = _person_profiles(partner)
    list(
        PartnerProfile.objects.select_for_update()
        .filter(pk__in=person or [partner.pk])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Engagement.objects.select_for_update().filter(pk=engagement_id).values_list("pk").get()
    engagement = Engagement.objects.select_related(
        "organisation",
        "partner__organisation",
        "partner__user",
        "activity",
        "request__created_by",
        "invitation__invited_by",
        "created_by",
    ).get(pk=engagement_id)
    return engagement, person


def _summed(entries) -> Decimal:
    return entries.counting().aggregate(total=Sum("hours"))["total"] or Decimal("0")


def _check_day(
    engagement: Engagement,
    person: list[int] | None,
    work_date: date,
    hours: Decimal,
    exclude: int | None,
) -> None:
    entries = TimeEntry.objects.filter(work_date=work_date)
    if person is None:
        entries = entries.filter(engagement=engagement)
    else:
        entries = entries.filter(engagement__partner__in=person)
    if exclude is not None:
        entries = entries.exclude(pk=exclude)
    total = _summed(entries) + hours
    if total > MAX_HOURS_PER_DAY:
        values = {
            "total": fmt_hours(total),
            "date": formats.date_format(work_date, "j F"),
            "max": fmt_hours(MAX_HOURS_PER_DAY),
        }
        if person is None:
            message = _(
                "This would make %(total)s h on %(date)s on this engagement; the most is %(max)s h."
            )
        else:
            message = _(
                "This would make %(total)s h on %(date)s across your engagements; "
                "the most is %(max)s h."
            )
        raise DomainError(message % values, code="day_over_24_hours", field="hours")


def _check_maximum(engagement: Engagement, hours: Decimal, exclude: int | None) -> None:
    entries = TimeEntry.objects.filter(engagement=engagement)
    if exclude is not None:
        entries = entries.exclude(pk=exclude)
    used = _summed(entries)
    if used + hours > engagement.max_hours:
        raise DomainError(
            _(
                "This would make %(total)s h on this engagement; the agreed maximum is "
                "%(max)s h (%(left)s h left). Ask the care coordinator to raise the maximum."
            )
            % {
                "total": fmt_hours(used + hours),
                "max": fmt_hours(engagement.max_hours),
                "left": fmt_hours(max(engagement.max_hours - used, Decimal("0"))),
            },
            code="over_max_hours",
            field="hours",
        )


def _ensure_partner_side(actor: User, engagement: Engagement) -> None:
    if not logs_for_partner(actor, engagement.partner_id):
        raise PermissionDenied(
            _("Only the partner of this engagement can log and change its hours.")
        )


def _ensure_care_side(actor: User, engagement: Engagement) -> None:
    ensure_role(actor, engagement.organisation, *MANAGER_ROLES)


def _lock_entry(entry: TimeEntry) -> TimeEntry:
    TimeEntry.objects.select_for_update().filter(pk=entry.pk).values_list("pk").get()
    return TimeEntry.objects.select_related("engagement", "activity", "logged_by").get(pk=entry.pk)


def _ensure_submitted(entry: TimeEntry) -> None:
    if entry.status == TimeEntryStatus.APPROVED:
        raise Conflict(
            _("These hours are approved and locked; they can no longer be changed."),
            code="time_entry_locked",
        )
    if entry.status != TimeEntryStatus.SUBMITTED:
        raise Conflict(
            _("These hours are %(status)s; only hours waiting for approval can be changed.")
            % {"status": entry.get_status_display().lower()},
            code="time_entry_not_submitted",
        )


def _context(entry: TimeEntry, engagement: Engagement) -> dict:
    return {
        "organisation": engagement.organisation.name,
        "partner": engagement.partner.display_name,
        "title": engagement.description or str(engagement.activity),
        "work_date": entry.work_date.strftime("%d-%m-%Y"),
        "hours": fmt_hours(entry.hours),
        "url": _url("hours:engagement", engagement.pk),
    }


# --- the partner side -------------------------------------------------------------------------


@transaction.atomic
def time_entry_log(
    *,
    actor: User,
    engagement: Engagement,
    work_date: date,
    hours,
    activity: Expertise | int | None = None,
    note: str = "",
) -> TimeEntry:
    """The partner logs hours worked on an engagement; they wait for the care coordinator."""
    engagement, person = _lock_for_logging(engagement.pk)
    _ensure_partner_side(actor, engagement)
    _ensure_active(engagement)
    work_date = _work_date(engagement, work_date)
    hours = _hours(hours)
    activity = _activity(engagement, activity)
    note = _guard(note, "note", NOTE_MAX)
    _check_day(engagement, person, work_date, hours, exclude=None)
    _check_maximum(engagement, hours, exclude=None)
    entry = TimeEntry.objects.create(
        engagement=engagement,
        work_date=work_date,
        hours=hours,
        activity=activity,
        note=note,
        logged_by=actor,
    )
    audit.record(
        actor=actor,
        action="time_entry.logged",
        obj=entry,
        organisation=engagement.organisation,
        engagement=engagement.pk,
        work_date=work_date.isoformat(),
        hours=str(hours),
    )
    # One mail per log action to each coordinator of the engagement, not one per entry viewed.
    _email(_engagement_care_contacts(engagement), "hours_logged", _context(entry, engagement))
    return entry


_UNCHANGED = object()


@transaction.atomic
def time_entry_update(
    *,
    actor: User,
    entry: TimeEntry,
    work_date: date | object = _UNCHANGED,
    hours=_UNCHANGED,
    activity=_UNCHANGED,
    note: str | object = _UNCHANGED,
) -> TimeEntry:
    """The partner corrects hours that still wait for approval; all rules are checked again."""
    engagement_id = TimeEntry.objects.values_list("engagement_id", flat=True).get(pk=entry.pk)
    engagement, person = _lock_for_logging(engagement_id)
    entry = _lock_entry(entry)
    _ensure_partner_side(actor, engagement)
    _ensure_submitted(entry)
    _ensure_active(engagement)
    new_date = entry.work_date if work_date is _UNCHANGED else _work_date(engagement, work_date)
    new_hours = entry.hours if hours is _UNCHANGED else _hours(hours)
    new_activity = entry.activity if activity is _UNCHANGED else _activity(engagement, activity)
    new_note = entry.note if note is _UNCHANGED else _guard(note, "note", NOTE_MAX)
    _check_day(engagement, person, new_date, new_hours, exclude=entry.pk)
    _check_maximum(engagement, new_hours, exclude=entry.pk)
    changed = TimeEntry.objects.filter(pk=entry.pk, status=TimeEntryStatus.SUBMITTED).update(
        work_date=new_date,
        hours=new_hours,
        activity=new_activity,
        note=new_note,
        updated_at=timezone.now(),
    )
    if changed != 1:  # pragma: no cover - the row is locked
        raise Conflict(_("These hours were changed meanwhile."), code="concurrent_change")
    audit.record(
        actor=actor,
        action="time_entry.updated",
        obj=entry,
        organisation=engagement.organisation,
        work_date=new_date.isoformat(),
        hours=str(new_hours),
    )
    return TimeEntry.objects.get(pk=entry.pk)


@transaction.atomic
def time_entry_withdraw(*, actor: User, entry: TimeEntry) -> TimeEntry:
    """The partner takes back hours that wait for approval. Withdrawing again changes nothing."""
    entry = _lock_entry(entry)
    engagement = Engagement.objects.select_related("organisation").get(pk=entry.engagement_id)
    _ensure_partner_side(actor, engagement)
    if entry.status == TimeEntryStatus.WITHDRAWN:
        return entry
    _ensure_submitted(entry)
    TimeEntry.objects.filter(pk=entry.pk, status=TimeEntryStatus.SUBMITTED).update(
        status=TimeEntryStatus.WITHDRAWN, updated_at=timezone.now()
    )
    audit.record(
        actor=actor,
        action="time_entry.withdrawn",
        obj=entry,
        organisation=engagement.organisation,
        hours=str(entry.hours),
    )
    return TimeEntry.objects.get(pk=entry.pk)


# --- the care side ----------------------------------------------------------------------------


def _ensure_payable(entry: TimeEntry) -> None:
    """Approved hours must be payable: on an allowance engagement the volunteer's monthly and
    yearly caps and the hourly guideline hold (payments.allowance raises a DomainError naming
    the cap). Imported here because payments builds on marketplace, not the other way round."""
    from payments.allowance import ensure_entry_within_caps

    ensure_entry_within_caps(entry)


def _decide(*, actor: User, entry: TimeEntry, to: str, reason: str = "") -> tuple[TimeEntry, bool]:
    """Approve or reject one entry inside the caller's transaction; (entry, changed)."""
    entry = _lock_entry(entry)
    engagement = Engagement.objects.select_related(
        "organisation", "partner__organisation", "partner__user", "activity"
    ).get(pk=entry.engagement_id)
    _ensure_care_side(actor, engagement)
    if entry.logged_by_id == actor.pk:
        raise PermissionDenied(
            _("You logged these hours yourself: someone else must approve or reject them."),
            code="self_approval",
        )
    if entry.status == to:
        return entry, False
    if entry.status != TimeEntryStatus.SUBMITTED:
        raise Conflict(
            _("These hours are %(status)s; only hours waiting for approval can be decided on.")
            % {"status": entry.get_status_display().lower()},
            code="time_entry_not_submitted",
        )
    if to == TimeEntryStatus.APPROVED:
        _ensure_payable(entry)
    now = timezone.now()
    changed = TimeEntry.objects.filter(pk=entry.pk, status=TimeEntryStatus.SUBMITTED).update(
        status=to, decided_by=actor, decided_at=now, reject_reason=reason, updated_at=now
    )
    if changed != 1:  # pragma: no cover - the row is locked
        raise Conflict(_("These hours were changed meanwhile."), code="concurrent_change")
    entry = TimeEntry.objects.select_related("engagement", "logged_by").get(pk=entry.pk)
    audit.record(
        actor=actor,
        action=f"time_entry.{to}",
        obj=entry,
        organisation=engagement.organisation,
        engagement=engagement.pk,
        hours=str(entry.hours),
        has_reason=bool(reason),
    )
    entry.engagement = engagement
    return entry, True


def _partner_recipients(entry: TimeEntry) -> list[User]:
    return _distinct([entry.logged_by, *_partner_contacts(entry.engagement.partner)])


@transaction.atomic
def time_entry_approve(*, actor: User, entry: TimeEntry) -> TimeEntry:
    """The care coordinator approves hours; they are locked from then on. Approving again
    changes nothing."""
    entry, changed = _decide(actor=actor, entry=entry, to=TimeEntryStatus.APPROVED)
    if changed:
        context = _context(entry, entry.engagement) | {"count": 1}
        _email(_partner_recipients(entry), "hours_approved", context)
    return entry


@dataclass
class ApprovalResult:
    entry: TimeEntry
    approved: bool
    error: DomainError | None = None


def time_entries_approve(*, actor: User, entries: list[TimeEntry]) -> list[ApprovalResult]:
    """Approve several entries at once, each on its own (per-entry results).

    A coordinator ticking a list expects the good ones approved and to be told exactly which
    ones were not and why (e.g. one over an allowance cap), rather than nothing approved
    because of one. Entries go in date order, so caps are used up in the order the work was
    done. Each partner side gets one e-mail for the lot."""
    results: list[ApprovalResult] = []
    newly: list[TimeEntry] = []
    for entry in sorted(entries, key=lambda e: (e.work_date, e.pk)):
        try:
            with transaction.atomic():
                decided, changed = _decide(actor=actor, entry=entry, to=TimeEntryStatus.APPROVED)
        except DomainError as exc:
            results.append(ApprovalResult(entry=entry, approved=False, error=exc))
        else:
            results.append(ApprovalResult(entry=decided, approved=True))
            if changed:
                newly.append(decided)
    _email_bulk_approvals(newly)
    return results


def _email_bulk_approvals(entries: list[TimeEntry]) -> None:
    by_engagement: dict[int, list[TimeEntry]] = {}
    for entry in entries:
        by_engagement.setdefault(entry.engagement_id, []).append(entry)
    for group in by_engagement.values():
        engagement = group[0].engagement
        recipients = _distinct([e.logged_by for e in group] + _partner_contacts(engagement.partner))
        total = sum((e.hours for e in group), Decimal("0"))
        context = _context(group[0], engagement) | {
            "count": len(group),
            "hours": fmt_hours(total),
        }
        _email(recipients, "hours_approved", context)


@transaction.atomic
def time_entry_reject(*, actor: User, entry: TimeEntry, reason: str) -> TimeEntry:
    """The care coordinator rejects hours, saying why (the partner reads the reason)."""
    reason = _guard(reason, "reason", REASON_MAX)
    if not reason:
        raise DomainError(
            _("Say why you reject these hours, so the partner can correct them."),
            code="required",
            field="reason",
        )
    entry, changed = _decide(actor=actor, entry=entry, to=TimeEntryStatus.REJECTED, reason=reason)
    if changed:
        context = _context(entry, entry.engagement) | {"reason": reason}
        _email(_partner_recipients(entry), "hours_rejected", context)
    return entry


@transaction.atomic
def engagement_raise_max_hours(*, actor: User, engagement: Engagement, max_hours) -> Engagement:
    """The care coordinator raises the engagement's maximum hours (never lowers it here)."""
    Engagement.objects.select_for_update().filter(pk=engagement.pk).values_list("pk").get()
    engagement = Engagement.objects.select_related(
        "organisation", "partner__organisation", "partner__user", "activity"
    ).get(pk=engagement.pk)
    _ensure_care_side(actor, engagement)
    _ensure_active(engagement)
    try:
        new_max = Decimal(str(max_hours)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter the hours as a number, e.g. 12.5."), field="max_hours") from None
    if new_max == engagement.max_hours:
        return engagement
    if new_max < engagement.max_hours:
        raise DomainError(
            _("The maximum can only be raised: it is %(max)s h now.")
            % {"max": fmt_hours(engagement.max_hours)},
            field="max_hours",
        )
    if new_max % HOURS_STEP:
        raise DomainError(
            _("Use quarters of an hour (0.25, 0.5, 0.75 …); %(hours)s is not one.")
            % {"hours": fmt_hours(new_max)},
            field="max_hours",
        )
    if new_max >= Decimal("100000"):
        raise DomainError(_("That is more hours than an engagement can have."), field="max_hours")
    old = engagement.max_hours
    Engagement.objects.filter(pk=engagement.pk).update(max_hours=new_max)
    engagement.max_hours = new_max
    audit.record(
        actor=actor,
        action="engagement.max_hours_raised",
        obj=engagement,
        organisation=engagement.organisation,
        old=str(old),
        new=str(new_max),
    )
    _email(
        _partner_contacts(engagement.partner),
        "hours_max_raised",
        {
            "organisation": engagement.organisation.name,
            "partner": engagement.partner.display_name,
            "title": engagement.description or str(engagement.activity),
            "old": fmt_hours(old),
            "new": fmt_hours(new_max),
            "url": _url("hours:engagement", engagement.pk),
        },
    )
    return engagement


def approval_summary(results: list[ApprovalResult], *, not_found: int = 0) -> str:
    """One sentence for a page or an API client: how many were approved, how many not."""
    approved = sum(1 for r in results if r.approved)
    refused = len(results) - approved + not_found
    text = ngettext("%(n)d entry approved.", "%(n)d entries approved.", approved) % {"n": approved}
    if refused:
        text += " " + ngettext(
            "%(n)d entry not approved:", "%(n)d entries not approved:", refused
        ) % {"n": refused}
    return text
