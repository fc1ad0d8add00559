"""The volunteer allowance caps (vrijwilligersvergoeding): usage per person, warnings, refusals.

The caps are data per year (`AllowanceCap`, editable by platform staff). Three limits hold at once:

- per month and per year, over everything a person receives as allowance from *every* care
  organisation on the platform. Above the yearly cap the whole allowance becomes taxable, so a
  payment that would cross a cap is refused (the work can still be invoiced or reimbursed, see
  `payments.services.compensation`), and a notice warns from 80% of a cap.
- per hour, lower under 21 (by the volunteer's age on the day the work was done). The hourly
  figure is guidance for "not market-conform": a higher agreed rate is allowed only with a stated
  reason, recorded on the engagement (`rate_above_cap_reason`) when it is agreed or booked
  (`check_agreed_rate`); approving hours checks it again (`ensure_entry_within_caps`), so an
  engagement agreed before this rule still needs the reason before its hours count.

What counts as received: the amounts on issued statements, plus approved allowance hours that no
statement covers yet, so the cap cannot be crossed between two statement runs. Months and years
are those of the work date.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.models import TimeEntry, TimeEntryStatus
from marketplace.money import ZERO, quantize_money
from partners.models import CompensationMode, PartnerProfile
from payments.models import AllowanceCap, AllowanceStatement, BilledTimeEntry

WARN_AT = Decimal("0.80")


class AllowanceCapExceeded(DomainError, ValidationError):
    """A payment as allowance that a legal cap refuses. Both a DomainError (so pages and the API
    show it like any refused request) and a Django ValidationError (so forms can show it)."""

    code = "allowance_cap"

    def __init__(self, message: str, *, field: str | None = None):
        DomainError.__init__(self, message, code="allowance_cap", field=field)
        ValidationError.__init__(self, message, code="allowance_cap")


def euro(amount) -> str:
    """`€2,210.00` (English) or `€2.210,00` (Dutch): grouped, two decimals, as printed."""
    return "€" + formats.number_format(quantize_money(amount), 2, force_grouping=True)


def cap_for_year(year: int) -> AllowanceCap:
    """The caps of `year`; until staff record a new year's figures, the latest earlier year's
    stay in force (they have only ever risen), so work is never blocked by a missing row."""
    cap = AllowanceCap.objects.filter(year__lte=year).order_by("-year").first()
    if cap is None:
        raise DomainError(
            _(
                "No volunteer allowance caps are recorded for %(year)s; platform staff add "
                "them in the admin before allowances for that year can be paid."
            )
            % {"year": year},
            code="allowance_cap_missing",
        )
    return cap


def entry_amount(entry: TimeEntry) -> Decimal:
    """What an entry is worth: hours × the engagement's agreed rate, rounded once."""
    return quantize_money(entry.hours * entry.engagement.hourly_rate)


def active_billings_of(time_entry):
    return BilledTimeEntry.objects.filter(time_entry=time_entry, released_at__isnull=True)


def unstated_allowance_entries(person: PartnerProfile):
    """Approved hours on this person's allowance engagements that no statement covers yet."""
    return (
        TimeEntry.objects.filter(
            engagement__partner=person,
            engagement__compensation_mode=CompensationMode.ALLOWANCE,
            status=TimeEntryStatus.APPROVED,
        )
        .filter(~Exists(active_billings_of(OuterRef("pk"))))
        .select_related("engagement")
    )


@dataclass(frozen=True)
class AllowanceUsage:
    person: PartnerProfile
    year: int
    month: int | None
    cap: AllowanceCap
    year_total: Decimal
    month_total: Decimal | None  # None when no month was asked

    @property
    def year_left(self) -> Decimal:
        return max(ZERO, self.cap.per_year - self.year_total)

    @property
    def month_left(self) -> Decimal | None:
        if self.month_total is None:
            return None
        return max(ZERO, self.cap.per_month - self.month_total)

    @property
    def year_percent(self) -> int:
        return _percent(self.year_total, self.cap.per_year)

    @property
    def month_percent(self) -> int | None:
        if self.month_total is None:
            return None
        return _percent(self.month_total, self.cap.per_month)


def _percent(part: Decimal, whole: Decimal) -> int:
    return int(min(Decimal(100), part * 100 / whole)) if whole else 0


def _stated(person: PartnerProfile, year: int, month: int | None) -> Decimal:
    statements = AllowanceStatement.objects.filter(supplier=person, year=year)
    if month is not None:
        statements = statements.filter(month=month)
    return quantize_money(statements.aggregate(total=Sum("total"))["total"] or ZERO)


def _unstated(
    person: PartnerProfile, year: int, month: int | None, *, exclude_entry: int | None
) -> Decimal:
    entries = unstated_allowance_entries(person).filter(work_date__year=year)
    if month is not None:
        entries = entries.filter(work_date__month=month)
    if exclude_entry is not None:
        entries = entries.exclude(pk=exclude_entry)
    return sum((entry_amount(e) for e in entries), ZERO)


def allowance_usage(
    person: PartnerProfile,
    year: int,
    month: int | None = None,
    *,
    include_unstated: bool = True,
    exclude_entry: int | None = None,
) -> AllowanceUsage:
    """What `person` received (or is due) as allowance in `year` (and `month`), from every care
    organisation. `include_unstated=False` counts issued statements only."""
    cap = cap_for_year(year)

    def total(m):
        amount = _stated(person, year, m)
        if include_unstated:
            amount += _unstated(person, year, m, exclude_entry=exclude_entry)
        return amount

    return AllowanceUsage(
        person=person,
        year=year,
        month=month,
        cap=cap,
        year_total=total(None),
        month_total=total(month) if month is not None else None,
    )


@dataclass(frozen=True)
class HourlyCap:
    amount: Decimal
    under_21: bool
    birth_date_known: bool
    explanation: str


def hourly_cap_for(profile: PartnerProfile, on_date: date) -> HourlyCap:
    """The hourly guideline for this person on this day: lower while they are under 21. Without
    a recorded date of birth the 21-and-over figure applies, and the explanation says so."""
    cap = cap_for_year(on_date.year)
    adult = profile.is_21_or_older_on(on_date)
    if adult is None:
        return HourlyCap(
            cap.per_hour,
            under_21=False,
            birth_date_known=False,
            explanation=_(
                "%(amount)s per hour (21 and over; no date of birth is recorded, so the "
                "under-21 figure is not applied)"
            )
            % {"amount": euro(cap.per_hour)},
        )
    if adult:
        return HourlyCap(
            cap.per_hour,
            under_21=False,
            birth_date_known=True,
            explanation=_("%(amount)s per hour (21 and over)") % {"amount": euro(cap.per_hour)},
        )
    return HourlyCap(
        cap.per_hour_under_21,
        under_21=True,
        birth_date_known=True,
        explanation=_("%(amount)s per hour (under 21)") % {"amount": euro(cap.per_hour_under_21)},
    )


def refuse_crossing(
    profile: PartnerProfile, on_date: date, amount: Decimal, usage: AllowanceUsage
) -> None:
    cap = usage.cap
    after_year = usage.year_total + amount
    if after_year > cap.per_year:
        raise AllowanceCapExceeded(
            _(
                "This would bring %(name)s's allowance in %(year)s to %(after)s; the yearly "
                "maximum is %(cap)s (%(left)s left). Above it the whole allowance becomes "
                "taxable: pay this work by invoice or cost reimbursement instead."
            )
            % {
                "name": profile.display_name,
                "year": on_date.year,
                "after": euro(after_year),
                "cap": euro(cap.per_year),
                "left": euro(usage.year_left),
            }
        )
    after_month = usage.month_total + amount
    if after_month > cap.per_month:
        raise AllowanceCapExceeded(
            _(
                "This would bring %(name)s's allowance for %(month)s to %(after)s; the monthly "
                "maximum is %(cap)s (%(left)s left). Pay this work by invoice or cost "
                "reimbursement instead, or in a later month."
            )
            % {
                "name": profile.display_name,
                "month": formats.date_format(on_date, "YEAR_MONTH_FORMAT"),
                "after": euro(after_month),
                "cap": euro(cap.per_month),
                "left": euro(usage.month_left),
            }
        )


def ensure_within_caps(
    profile: PartnerProfile, on_date: date, amount, *, exclude_entry: int | None = None
) -> AllowanceUsage:
    """Refuse paying `amount` more as allowance for work on `on_date` when it would cross the
    monthly or yearly cap (all organisations together). Returns the usage before the amount."""
    amount = quantize_money(amount)
    usage = allowance_usage(profile, on_date.year, on_date.month, exclude_entry=exclude_entry)
    refuse_crossing(profile, on_date, amount, usage)
    return usage


def rate_needs_reason(profile: PartnerProfile, on_date: date, rate) -> HourlyCap | None:
    """The hourly cap when `rate` is above it (so a reason must be recorded), else None."""
    hourly = hourly_cap_for(profile, on_date)
    return hourly if quantize_money(rate) > hourly.amount else None


def check_agreed_rate(
    *, partner: PartnerProfile, compensation_mode: str, rate, on_date: date, reason: str
) -> str:
    """At agreement or booking: an allowance rate above the hourly cap needs a stated reason.
    Returns the cleaned reason (empty when none is needed)."""
    reason = (reason or "").strip()
    if compensation_mode != CompensationMode.ALLOWANCE:
        return ""
    try:
        hourly = rate_needs_reason(partner, on_date, rate)
    except DomainError:
        # No caps recorded at all: nothing to hold the rate against yet. Approving hours checks
        # again once staff have recorded them, so nothing is paid unchecked.
        return reason[:300]
    if hourly is None:
        return ""
    if not reason:
        raise AllowanceCapExceeded(
            _(
                "%(rate)s per hour is above the volunteer allowance guideline of %(cap)s. "
                "State why this rate is right (it is recorded), or agree a lower rate."
            )
            % {"rate": euro(rate), "cap": hourly.explanation},
            field="rate_above_cap_reason",
        )
    if len(reason) > 300:
        raise DomainError(_("Keep the reason under 300 characters."), field="rate_above_cap_reason")
    return reason


def lock_person(profile: PartnerProfile) -> None:
    """Serialise cap checks of one person across organisations (approvals and statements both
    take this lock), so two approvals at once cannot each fit and together cross a cap."""
    if transaction.get_connection().in_atomic_block:
        PartnerProfile.objects.select_for_update().filter(pk=profile.pk).first()


def ensure_entry_within_caps(entry: TimeEntry) -> None:
    """The check before hours on an allowance engagement are approved: the hourly guideline
    (unless the engagement records a reason) and the monthly and yearly caps. Call it inside the
    approving transaction: it locks the volunteer's profile row until that transaction ends."""
    engagement = entry.engagement
    if engagement.compensation_mode != CompensationMode.ALLOWANCE:
        return
    partner = engagement.partner
    lock_person(partner)
    hourly = rate_needs_reason(partner, entry.work_date, engagement.hourly_rate)
    if hourly is not None and not engagement.rate_above_cap_reason.strip():
        raise AllowanceCapExceeded(
            _(
                "The agreed rate of %(rate)s is above the volunteer allowance guideline of "
                "%(cap)s on %(date)s, and the engagement records no reason for it. Record a "
                "reason or change the compensation to invoice or reimbursement."
            )
            % {
                "rate": euro(engagement.hourly_rate),
                "cap": hourly.explanation,
                "date": formats.date_format(entry.work_date, "SHORT_DATE_FORMAT"),
            }
        )
    ensure_within_caps(partner, entry.work_date, entry_amount(entry), exclude_entry=entry.pk)


def allowance_notice(profile: PartnerProfile, on_date: date) -> str | None:
    """A warning once the month's or the year's allowance reaches 80% of its cap, else None."""
    if not AllowanceCap.objects.filter(year__lte=on_date.year).exists():
        return None
    usage = allowance_usage(profile, on_date.year, on_date.month)
    cap = usage.cap
    if usage.year_total >= cap.per_year * WARN_AT:
        return _(
            "%(name)s has received %(total)s of the yearly maximum of %(cap)s in %(year)s "
            "(%(percent)s%%). Above it the whole allowance becomes taxable: pay further work by "
            "invoice or cost reimbursement."
        ) % {
            "name": profile.display_name,
            "total": euro(usage.year_total),
            "cap": euro(cap.per_year),
            "year": usage.year,
            "percent": usage.year_percent,
        }
    if usage.month_total >= cap.per_month * WARN_AT:
        return _(
            "%(name)s has received %(total)s of the monthly maximum of %(cap)s for %(month)s "
            "(%(percent)s%%)."
        ) % {
            "name": profile.display_name,
            "total": euro(usage.month_total),
            "cap": euro(cap.per_month),
            "month": formats.date_format(on_date, "YEAR_MONTH_FORMAT"),
            "percent": usage.month_percent,
        }
    return None
