"""Issuing monthly volunteer allowance statements.

One statement per volunteer, care organisation and month of work, made of the approved hours on
allowance engagements that no document covers yet (each linked by a `BilledTimeEntry`). Issuing
again finds nothing left to state, so it is idempotent; hours approved late get a next statement.

Each statement is a snapshot (names, addresses, amounts, the running totals across every
organisation), numbered consecutively per care organisation and year (printed `VV-2026-0001`),
written to the ledger in the same transaction, and rendered as PDF after the commit.

A statement that would cross a cap is refused: the run skips it, logs why, and records a notice
the care organisation's coordinators see on their statements page, so they can switch the
engagement to invoice or reimbursement (`payments.services.compensation`).
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.engagement_selectors import is_care_side
from marketplace.errors import PermissionDenied
from marketplace.models import Organisation, TimeEntry, TimeEntryStatus, User
from marketplace.money import ZERO
from marketplace.notifications import queue_email
from partners.models import CompensationMode, PartnerProfile
from payments import ledger
from payments.allowance import (
    AllowanceCapExceeded,
    allowance_usage,
    entry_amount,
    euro,
    rate_needs_reason,
    refuse_crossing,
)
from payments.models import AllowanceStatement, BilledTimeEntry, LedgerEventKind
from payments.months import month_bounds
from payments.numbering import formatted, next_number, payment_reference
from payments.spend import record_spend

logger = logging.getLogger(__name__)

REFUSED_ACTION = "allowance_statement.refused"
# Kind digit of the payment reference of allowance statements (invoices use 1).
REFERENCE_KIND = 2


@dataclass
class Skipped:
    partner: PartnerProfile
    organisation: Organisation
    reason: str


@dataclass
class IssueRun:
    issued: list[AllowanceStatement] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def series_for(organisation_id: int, year: int) -> str:
    return f"VV-{organisation_id}-{year}"


def statable_entries(year: int, month: int):
    """Approved allowance hours in this month that no document covers yet."""
    start, end = month_bounds(year, month)
    return TimeEntry.objects.filter(
        status=TimeEntryStatus.APPROVED,
        engagement__compensation_mode=CompensationMode.ALLOWANCE,
        work_date__gte=start,
        work_date__lte=end,
    ).filter(
        ~Exists(BilledTimeEntry.objects.filter(time_entry=OuterRef("pk"), released_at__isnull=True))
    )


def _address(street: str, postcode: str, city: str) -> str:
    return ", ".join(p for p in [street.strip(), f"{postcode} {city}".strip()] if p)


def _refusal(partner: PartnerProfile, entries: list[TimeEntry], year: int, month: int):
    """Why these entries may not be stated as allowance (None when they may)."""
    for entry in entries:
        engagement = entry.engagement
        hourly = rate_needs_reason(partner, entry.work_date, engagement.hourly_rate)
        if hourly is not None and not engagement.rate_above_cap_reason.strip():
            return AllowanceCapExceeded(
                _(
                    "The agreed rate of %(rate)s is above the volunteer allowance guideline of "
                    "%(cap)s, and the engagement records no reason for it."
                )
                % {"rate": euro(engagement.hourly_rate), "cap": hourly.explanation}
            )
    amount = sum((entry_amount(e) for e in entries), ZERO)
    # Only issued statements count here: the entries being stated are the rest of the usage.
    usage = allowance_usage(partner, year, month, include_unstated=False)
    try:
        refuse_crossing(partner, date(year, month, 1), amount, usage)
    except AllowanceCapExceeded as exc:
        return exc
    return None


def statement_issue(
    *,
    actor: User | None,
    partner: PartnerProfile,
    organisation: Organisation,
    year: int,
    month: int,
) -> AllowanceStatement | None:
    """State what `organisation` owes `partner` as allowance for `month` (None when there is
    nothing left to state). `actor` None is the scheduled run. Raises AllowanceCapExceeded when
    the statement would cross a cap, after recording the refusal for the coordinators."""
    result = _issue(actor=actor, partner=partner, organisation=organisation, year=year, month=month)
    if isinstance(result, tuple):
        refusal, engagement_ids = result
        # Recorded after the issuing transaction rolled back, so the notice stays.
        _record_refusal(actor, partner, organisation, year, month, refusal.message, engagement_ids)
        raise refusal
    return result


@transaction.atomic
def _issue(*, actor, partner, organisation, year, month):
    if actor is not None and not is_care_side(actor, organisation.pk):
        raise PermissionDenied(
            _("Only coordinators of the care organisation can issue allowance statements.")
        )
    start, end = month_bounds(year, month)
    # One volunteer at a time across all organisations: the caps are per person.
    partner = PartnerProfile.objects.select_for_update().get(pk=partner.pk)
    organisation = Organisation.objects.get(pk=organisation.pk)
    entries = list(
        statable_entries(year, month)
        .filter(engagement__partner=partner, engagement__organisation=organisation)
        .select_related("engagement", "activity")
        .select_for_update(of=("self",))
        .order_by("work_date", "pk")
    )
    if not entries:
        return None
    refusal = _refusal(partner, entries, year, month)
    if refusal is not None:
        return refusal, sorted({e.engagement_id for e in entries})
    amounts = {e.pk: entry_amount(e) for e in entries}
    total = sum(amounts.values(), ZERO)
    hours = sum((e.hours for e in entries), ZERO)
    stated = allowance_usage(partner, year, month, include_unstated=False)
    sequence = next_number(series_for(organisation.pk, year))
    today = timezone.localdate()
    statement = AllowanceStatement.objects.create(
        number=f"VV-{formatted(year, sequence)}",
        series=series_for(organisation.pk, year),
        sequence=sequence,
        customer=organisation,
        supplier=partner,
        issue_date=today,
        due_date=today + timedelta(days=settings.PAYMENT_TERM_DAYS),
        period_start=start,
        period_end=end,
        total=total,
        # Replaced below, once the id the reference is made of exists.
        payment_reference=uuid.uuid4().hex,
        issued_by=actor,
        year=year,
        month=month,
        hours=hours,
        volunteer_name=partner.display_name,
        volunteer_address=_address(partner.street, partner.postcode, partner.city),
        organisation_name=organisation.name,
        organisation_address=_address(
            organisation.street, organisation.postcode, organisation.city
        ),
        year_total_after=stated.year_total + total,
        month_total_after=stated.month_total + total,
    )
    statement.payment_reference = payment_reference(REFERENCE_KIND, statement.pk)
    AllowanceStatement.objects.filter(pk=statement.pk).update(
        payment_reference=statement.payment_reference
    )
    BilledTimeEntry.objects.bulk_create(
        [BilledTimeEntry.of(e, statement=statement, amount=amounts[e.pk]) for e in entries]
    )
    record_spend(statement)
    ledger.append(
        kind=LedgerEventKind.ALLOWANCE_STATEMENT_ISSUED,
        amount=total,
        obj=statement,
        payer=organisation,
        payee=partner,
        reference=statement.payment_reference,
        data={"number": statement.number, "year": year, "month": month, "hours": str(hours)},
    )
    audit.record(
        actor=actor,
        action="allowance_statement.issued",
        obj=statement,
        organisation=organisation,
        number=statement.number,
        total=str(total),
        entries=[e.pk for e in entries],
    )
    from payments.statement_tasks import render_statement_pdf_task

    statement_id = statement.pk
    transaction.on_commit(lambda: render_statement_pdf_task.delay(statement_id))
    _email_volunteer(statement, partner)
    return statement


def _email_volunteer(statement: AllowanceStatement, partner: PartnerProfile) -> None:
    """Tell the volunteer (or their organisation) a statement was issued for their hours."""
    to, language = partner.contact()
    if not to:
        return
    queue_email(
        to=to,
        template="statement_issued",
        context={
            "partner": partner.display_name,
            "number": statement.number,
            "organisation": statement.organisation_name,
            "month": f"{statement.month:02d}-{statement.year}",
            "hours": str(statement.hours),
            "total": str(statement.total),
            "url": settings.SITE_URL + reverse("statements:detail", args=[statement.pk]),
        },
        language=language,
    )


def _record_refusal(
    actor, partner, organisation, year, month, message: str, engagement_ids: list[int]
) -> None:
    logger.warning(
        "allowance statement refused: partner#%s organisation#%s %s-%02d (cap)",
        partner.pk,
        organisation.pk,
        year,
        month,
    )
    audit.record(
        actor=actor,
        action=REFUSED_ACTION,
        obj=partner,
        organisation=organisation,
        year=year,
        month=month,
        message=message,
        engagements=engagement_ids,
    )


def statements_issue_for_month(year: int, month: int, *, actor: User | None = None) -> IssueRun:
    """Issue every statement due for `month`; each in its own transaction, so one refusal does
    not hold back the others. Running it again issues nothing new."""
    run = IssueRun()
    pairs = (
        statable_entries(year, month)
        .values_list("engagement__partner", "engagement__organisation")
        .distinct()
        .order_by("engagement__partner", "engagement__organisation")
    )
    partners = PartnerProfile.objects.in_bulk({p for p, _o in pairs})
    organisations = Organisation.objects.in_bulk({o for _p, o in pairs})
    for partner_id, organisation_id in pairs:
        partner, organisation = partners[partner_id], organisations[organisation_id]
        if actor is not None and not is_care_side(actor, organisation_id):
            continue
        try:
            statement = statement_issue(
                actor=actor, partner=partner, organisation=organisation, year=year, month=month
            )
        except AllowanceCapExceeded as exc:
            run.skipped.append(Skipped(partner, organisation, exc.message))
            continue
        if statement is not None:
            run.issued.append(statement)
    return run
