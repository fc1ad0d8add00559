"""Factories for the allowance tests: volunteers on allowance engagements, approved hours, and
statements already issued (to stand for what someone received earlier in the year)."""

import itertools
from datetime import date, datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from marketplace.models import Role, TimeEntryStatus
from payments.models import AllowanceStatement
from tests.factories import MembershipFactory, UserFactory
from tests.marketplace.engagement_factories import (
    EngagementFactory,
    TimeEntryFactory,
    care_organisation,
)
from tests.partners.factories import KeyPersonProfileFactory

_reference = itertools.count(1)


def volunteer(**kwargs):
    kwargs.setdefault("compensation_mode", "allowance")
    kwargs.setdefault("hourly_rate", "5.00")
    kwargs.setdefault("street", "Hobbemastraat 12")
    kwargs.setdefault("postcode", "2526 JE")
    kwargs.setdefault("city", "Den Haag")
    return KeyPersonProfileFactory(**kwargs)


def coordinator_of(organisation):
    return MembershipFactory(organisation=organisation, role=Role.COORDINATOR).user


def allowance_engagement(partner=None, organisation=None, *, rate="5.00", start=None, **kwargs):
    """An allowance engagement running through 2026 (or from `start`)."""
    partner = partner or volunteer()
    organisation = organisation or care_organisation()
    start = start or date(2026, 1, 1)
    return EngagementFactory(
        offer__partner=partner,
        organisation=organisation,
        hourly_rate=Decimal(rate),
        max_hours=Decimal("500"),
        period_start=start,
        period_end=date(start.year, 12, 31),
        compensation_mode="allowance",
        **kwargs,
    )


def approved_entry(engagement, work_date, hours, *, decided_by=None):
    decided_by = decided_by or coordinator_of(engagement.organisation)
    return TimeEntryFactory(
        engagement=engagement,
        work_date=work_date,
        hours=Decimal(str(hours)),
        status=TimeEntryStatus.APPROVED,
        decided_by=decided_by,
        decided_at=timezone.make_aware(datetime(work_date.year, work_date.month, work_date.day)),
    )


def submitted_entry(engagement, work_date, hours):
    return TimeEntryFactory(engagement=engagement, work_date=work_date, hours=Decimal(str(hours)))


class AllowanceStatementFactory(DjangoModelFactory):
    """An issued statement (without entries): what a volunteer received in an earlier month."""

    class Meta:
        model = AllowanceStatement

    supplier = factory.LazyFunction(volunteer)
    customer = factory.LazyFunction(care_organisation)
    year = 2026
    month = 1
    series = factory.LazyAttribute(lambda o: f"VV-{o.customer.pk}-{o.year}")
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"VV-{o.year}-{o.sequence:04d}")
    issue_date = factory.LazyAttribute(lambda o: date(o.year, o.month, 28))
    due_date = factory.LazyAttribute(lambda o: date(o.year, o.month, 28))
    period_start = factory.LazyAttribute(lambda o: date(o.year, o.month, 1))
    period_end = factory.LazyAttribute(lambda o: date(o.year, o.month, 28))
    total = Decimal("100.00")
    hours = Decimal("20.00")
    payment_reference = factory.LazyFunction(lambda: f"T{next(_reference):015d}")
    volunteer_name = factory.LazyAttribute(lambda o: o.supplier.display_name)
    organisation_name = factory.LazyAttribute(lambda o: o.customer.name)
    organisation_address = "Den Haag"
    year_total_after = factory.LazyAttribute(lambda o: o.total)
    month_total_after = factory.LazyAttribute(lambda o: o.total)


def received_before(partner, amount_per_month: str, months, year: int = 2026):
    """Statements for `months` of `year` (one each, from a fresh organisation)."""
    return [
        AllowanceStatementFactory(
            supplier=partner, year=year, month=m, total=Decimal(amount_per_month)
        )
        for m in months
    ]


__all__ = ["UserFactory"]
