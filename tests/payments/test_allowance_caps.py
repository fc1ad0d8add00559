"""The volunteer allowance caps: usage across organisations, refusals naming the cap, the 80%
warning, the hourly figure by age on the work date, and switching compensation at the cap."""

from datetime import date
from decimal import Decimal

import pytest

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import AuditEntry
from payments.allowance import (
    AllowanceCapExceeded,
    allowance_notice,
    allowance_usage,
    check_agreed_rate,
    ensure_entry_within_caps,
    ensure_within_caps,
    hourly_cap_for,
)
from payments.models import AllowanceCap
from payments.services.compensation import engagement_change_compensation
from tests.marketplace.engagement_factories import care_organisation
from tests.payments.statement_factories import (
    allowance_engagement,
    approved_entry,
    coordinator_of,
    received_before,
    submitted_entry,
    volunteer,
)
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


def test_caps_are_data_per_year():
    cap = AllowanceCap.objects.get(year=2026)
    assert (cap.per_hour, cap.per_hour_under_21, cap.per_month, cap.per_year) == (
        Decimal("5.75"),
        Decimal("3.40"),
        Decimal("220.00"),
        Decimal("2200.00"),
    )


def test_usage_adds_up_statements_and_unstated_hours_from_every_organisation():
    mebrat = volunteer(display_name="Mebrat")
    received_before(mebrat, "200.00", [1, 2])
    elsewhere = allowance_engagement(mebrat, rate="5.00")
    approved_entry(elsewhere, date(2026, 3, 4), 10)  # €50, not stated yet
    submitted_entry(elsewhere, date(2026, 3, 5), 8)  # not approved: does not count
    other_year = allowance_engagement(mebrat, rate="5.00", start=date(2025, 1, 1))
    approved_entry(other_year, date(2025, 12, 30), 4)

    usage = allowance_usage(mebrat, 2026, 3)

    assert usage.year_total == Decimal("450.00")
    assert usage.month_total == Decimal("50.00")
    assert usage.year_left == Decimal("1750.00")
    assert allowance_usage(mebrat, 2026, 3, include_unstated=False).year_total == Decimal("400")


def test_a_volunteer_at_2150_cannot_be_paid_60_more_as_allowance():
    # Given Mebrat received €2,150 in 2026 (ten months of €215)
    mebrat = volunteer(display_name="Mebrat")
    received_before(mebrat, "215.00", range(1, 11))
    engagement = allowance_engagement(mebrat, rate="5.00")
    entry = submitted_entry(engagement, date(2026, 11, 3), 12)  # 12 h × €5 = €60

    # When the coordinator would approve €60 more as allowance, the yearly cap refuses it
    with pytest.raises(AllowanceCapExceeded) as refused:
        ensure_entry_within_caps(entry)
    message = refused.value.message
    assert "This would bring Mebrat's allowance in 2026 to €2,210.00" in message
    assert "the yearly maximum is €2,200.00" in message
    assert "invoice" in message
    # It is both a domain error (API/pages) and a Django ValidationError (forms)
    assert isinstance(refused.value, DomainError)
    assert refused.value.messages == [message]

    # But the same work can be invoiced or reimbursed after switching the compensation
    coordinator = coordinator_of(engagement.organisation)
    engagement_change_compensation(
        actor=coordinator, engagement=engagement, mode="invoice_person", reason="Cap reached"
    )
    entry.refresh_from_db()
    ensure_entry_within_caps(entry)  # no longer allowance: nothing to refuse
    assert allowance_usage(mebrat, 2026).year_total == Decimal("2150.00")
    audit = AuditEntry.objects.get(action="engagement.compensation_changed")
    assert audit.data["previous"] == "allowance"
    assert audit.data["mode"] == "invoice_person"
    assert audit.data["entries_moved"] == [entry.pk]

    engagement_change_compensation(
        actor=coordinator, engagement=engagement, mode="reimbursement", reason="Actual costs"
    )
    engagement.refresh_from_db()
    assert engagement.compensation_mode == "reimbursement"


def test_monthly_cap_refuses_and_names_it():
    amina = volunteer(display_name="Amina")
    engagement = allowance_engagement(amina, rate="5.00")
    approved_entry(engagement, date(2026, 4, 2), 20)
    approved_entry(engagement, date(2026, 4, 3), 20)  # €200 in April
    entry = submitted_entry(engagement, date(2026, 4, 20), 5)  # €25 more

    with pytest.raises(AllowanceCapExceeded) as refused:
        ensure_entry_within_caps(entry)

    assert "for April 2026 to €225.00; the monthly maximum is €220.00" in refused.value.message
    # May is another month
    ensure_within_caps(amina, date(2026, 5, 1), Decimal("25.00"))


def test_cap_is_exact_at_the_limit():
    amina = volunteer()
    received_before(amina, "200.00", range(1, 11))  # €2,000
    ensure_within_caps(amina, date(2026, 11, 5), Decimal("200.00"))  # exactly €2,200: allowed
    with pytest.raises(AllowanceCapExceeded):
        ensure_within_caps(amina, date(2026, 11, 5), Decimal("200.01"))


def test_approving_an_entry_twice_does_not_count_it_twice():
    amina = volunteer()
    engagement = allowance_engagement(amina, rate="5.00")
    approved_entry(engagement, date(2026, 6, 1), 22)
    entry = approved_entry(engagement, date(2026, 6, 2), 22)  # €220: the whole month
    ensure_entry_within_caps(entry)


def test_warning_from_80_percent_of_the_year_or_the_month():
    selam = volunteer(display_name="Selam")
    assert allowance_notice(selam, date(2026, 9, 1)) is None
    received_before(selam, "220.00", range(1, 9))  # €1,760 = 80% of €2,200
    notice = allowance_notice(selam, date(2026, 9, 1))
    assert notice is not None
    assert "Selam has received €1,760.00 of the yearly maximum of €2,200.00" in notice
    assert "(80%)" in notice

    other = volunteer(display_name="Yusuf")
    engagement = allowance_engagement(other, rate="5.00")
    approved_entry(engagement, date(2026, 3, 9), 17.5)
    approved_entry(engagement, date(2026, 3, 10), 17.5)  # €175 = 79.5% of €220
    assert allowance_notice(other, date(2026, 3, 11)) is None
    approved_entry(engagement, date(2026, 3, 12), 0.5)  # €177.50 = 80.7%
    notice = allowance_notice(other, date(2026, 3, 31))
    assert "monthly maximum of €220.00 for March 2026" in notice


def test_hourly_cap_by_age_on_the_work_date():
    # Turns 21 on 15 June 2026
    young = volunteer(display_name="Nour", date_of_birth=date(2005, 6, 15))

    before = hourly_cap_for(young, date(2026, 6, 14))
    after = hourly_cap_for(young, date(2026, 6, 15))

    assert (before.amount, before.under_21) == (Decimal("3.40"), True)
    assert (after.amount, after.under_21) == (Decimal("5.75"), False)
    assert "under 21" in before.explanation


def test_without_a_birth_date_the_adult_cap_applies_and_says_so():
    cap = hourly_cap_for(volunteer(date_of_birth=None), date(2026, 2, 1))
    assert cap.amount == Decimal("5.75")
    assert not cap.birth_date_known
    assert "no date of birth is recorded" in cap.explanation


def test_hours_of_someone_turning_21_mid_month_are_checked_against_the_cap_of_that_day():
    young = volunteer(display_name="Nour", date_of_birth=date(2005, 6, 15))
    engagement = allowance_engagement(young, rate="5.00")  # above €3.40, within €5.75
    before = submitted_entry(engagement, date(2026, 6, 14), 2)
    after = submitted_entry(engagement, date(2026, 6, 15), 2)

    with pytest.raises(AllowanceCapExceeded) as refused:
        ensure_entry_within_caps(before)
    assert "€3.40 per hour (under 21)" in refused.value.message
    ensure_entry_within_caps(after)

    # A recorded reason allows the higher rate
    engagement.rate_above_cap_reason = "Travel across the region included"
    engagement.save(update_fields=["rate_above_cap_reason"])
    before.engagement.refresh_from_db()
    ensure_entry_within_caps(before)


def test_an_agreed_rate_above_the_hourly_cap_needs_a_reason():
    partner = volunteer()
    with pytest.raises(AllowanceCapExceeded) as refused:
        check_agreed_rate(
            partner=partner,
            compensation_mode="allowance",
            rate=Decimal("8.00"),
            on_date=date(2026, 3, 1),
            reason="",
        )
    assert refused.value.field == "rate_above_cap_reason"
    assert "€8.00 per hour is above the volunteer allowance guideline of €5.75" in str(
        refused.value.message
    )
    assert (
        check_agreed_rate(
            partner=partner,
            compensation_mode="allowance",
            rate=Decimal("8.00"),
            on_date=date(2026, 3, 1),
            reason=" Specialist interpreting ",
        )
        == "Specialist interpreting"
    )
    # Invoiced work has no allowance guideline
    assert (
        check_agreed_rate(
            partner=partner,
            compensation_mode="invoice_person",
            rate=Decimal("45.00"),
            on_date=date(2026, 3, 1),
            reason="",
        )
        == ""
    )


def test_a_later_year_keeps_the_last_recorded_caps_and_an_earlier_one_is_refused():
    usage = ensure_within_caps(volunteer(), date(2031, 1, 5), Decimal("10"))
    assert usage.cap.year == 2026
    with pytest.raises(DomainError) as refused:
        ensure_within_caps(volunteer(), date(2020, 1, 5), Decimal("10"))
    assert "No volunteer allowance caps are recorded for 2020" in refused.value.message


def test_only_the_care_side_changes_compensation_and_not_back_across_the_cap():
    mebrat = volunteer()
    engagement = allowance_engagement(mebrat, rate="5.00")
    with pytest.raises(PermissionDenied):
        engagement_change_compensation(
            actor=mebrat.user, engagement=engagement, mode="invoice_person", reason="x"
        )
    with pytest.raises(PermissionDenied):
        engagement_change_compensation(
            actor=coordinator_of(care_organisation()),
            engagement=engagement,
            mode="invoice_person",
            reason="x",
        )
    coordinator = coordinator_of(engagement.organisation)
    with pytest.raises(DomainError) as refused:
        engagement_change_compensation(
            actor=coordinator, engagement=engagement, mode="invoice_person", reason=" "
        )
    assert refused.value.field == "reason"

    engagement_change_compensation(
        actor=coordinator, engagement=engagement, mode="invoice_person", reason="Cap"
    )
    received_before(mebrat, "220.00", range(1, 10))  # €1,980
    approved_entry(engagement, date(2026, 11, 2), 22)
    approved_entry(engagement, date(2026, 11, 3), 22)  # €220 invoiced: €2,200 as allowance
    approved_entry(engagement, date(2026, 11, 4), 1)  # €5 more: over
    with pytest.raises(AllowanceCapExceeded):
        engagement_change_compensation(
            actor=coordinator, engagement=engagement, mode="allowance", reason="Back"
        )


def test_without_any_caps_recorded_agreeing_is_not_blocked_but_approving_is():
    AllowanceCap.objects.all().delete()
    partner = volunteer()
    assert (
        check_agreed_rate(
            partner=partner,
            compensation_mode="allowance",
            rate=Decimal("9.00"),
            on_date=date(2026, 3, 1),
            reason="",
        )
        == ""
    )
    entry = submitted_entry(allowance_engagement(partner, rate="5.00"), date(2026, 3, 2), 1)
    with pytest.raises(DomainError):
        ensure_entry_within_caps(entry)
