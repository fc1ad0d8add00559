"""Hours through the services: every rule and its message, the lifecycle, who may do what,
raising the maximum, e-mails after the commit and the audit trail."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.models import AuditEntry, EngagementStatus, TimeEntry, TimeEntryStatus
from marketplace.services import time_entries as services
from marketplace.time_entry_selectors import (
    entries_awaiting_approval,
    hours_used,
    time_entries_visible_to,
)
from partners.models import Expertise
from tests.marketplace.engagement_factories import TimeEntryFactory
from tests.marketplace.hours_factories import (
    approved_entry,
    build_hours_world,
    days_ago,
    running_engagement,
    today,
)
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


@pytest.fixture
def w():
    return build_hours_world()


def log(w, hours="2", work_date=None, actor=None, engagement=None, **kwargs):
    return services.time_entry_log(
        actor=actor or w.partner_user,
        engagement=engagement or w.engagement,
        work_date=work_date or days_ago(1),
        hours=hours,
        **kwargs,
    )


# --- logging ----------------------------------------------------------------------------------


def test_the_partner_logs_hours_that_wait_for_approval_and_the_coordinators_get_one_mail(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = log(w, hours="1.75", note="Gesprek met moeder en jeugdconsulent.")

    assert entry.status == TimeEntryStatus.SUBMITTED
    assert entry.hours == Decimal("1.75")
    assert entry.activity == w.engagement.activity
    assert entry.logged_by == w.partner_user
    assert [m.to for m in mailoutbox] == [[w.coordinator.email]]
    assert "1.75 h" in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="time_entry.logged", object_id=str(entry.pk)).exists()


def test_another_activity_can_be_chosen(w):
    other = Expertise.objects.get(code="accompanying")
    assert log(w, activity=other).activity == other


def test_a_date_in_the_future_is_refused(w):
    tomorrow = today() + timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        log(w, work_date=tomorrow)
    assert exc.value.field == "work_date"
    assert exc.value.code == "date_in_future"
    assert "is in the future" in exc.value.message


def test_a_date_outside_the_period_is_refused_naming_the_period(w):
    w.engagement.period_start = days_ago(10)
    w.engagement.save()
    with pytest.raises(DomainError) as exc:
        log(w, work_date=days_ago(11))
    assert exc.value.code == "date_outside_period"
    assert "outside the engagement's period" in exc.value.message
    assert str(days_ago(10).day) in exc.value.message


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "more than 0"),
        ("-1", "more than 0"),
        ("1.1", "quarters of an hour"),
        ("24.25", "the most is 24 h"),
        ("abc", "as a number"),
    ],
)
def test_bad_hours_are_refused(w, hours, message):
    with pytest.raises(DomainError) as exc:
        log(w, hours=hours)
    assert exc.value.field == "hours"
    assert message in exc.value.message


def test_more_than_24_hours_a_day_across_engagements_is_refused_with_the_numbers(w):
    second = running_engagement(w.engagement.partner, w.care_org, w.coordinator)
    day = days_ago(2)
    log(w, hours="16", work_date=day)
    log(w, hours="8", work_date=day, engagement=second)  # exactly 24: allowed

    with pytest.raises(DomainError) as exc:
        log(w, hours="1.5", work_date=day, engagement=second)
    assert exc.value.code == "day_over_24_hours"
    assert f"This would make 25.5 h on {day.day} " in exc.value.message
    assert "across your engagements; the most is 24 h." in exc.value.message


def test_withdrawn_and_rejected_hours_do_not_count_for_the_day(w):
    day = days_ago(2)
    first = log(w, hours="20", work_date=day)
    services.time_entry_withdraw(actor=w.partner_user, entry=first)
    assert log(w, hours="20", work_date=day).hours == Decimal("20")


def test_an_mzo_profile_stands_for_several_people_so_24_hours_hold_per_engagement(w):
    second = running_engagement(w.mzo_engagement.partner, w.care_org, w.coordinator)
    day = days_ago(3)
    log(w, actor=w.mzo_key_person, engagement=w.mzo_engagement, hours="20", work_date=day)
    log(w, actor=w.mzo_key_person, engagement=second, hours="20", work_date=day)
    with pytest.raises(DomainError) as exc:
        log(w, actor=w.mzo_admin, engagement=second, hours="5", work_date=day)
    assert "on this engagement; the most is 24 h" in exc.value.message


def test_hours_beyond_the_maximum_are_refused_until_the_coordinator_raises_it(w):
    w.engagement.max_hours = Decimal("10")
    w.engagement.save()
    log(w, hours="6", work_date=days_ago(1))
    log(w, hours="3.5", work_date=days_ago(2))

    with pytest.raises(DomainError) as exc:
        log(w, hours="1", work_date=days_ago(3))
    assert exc.value.code == "over_max_hours"
    assert "10.5 h on this engagement; the agreed maximum is 10 h (0.5 h left)" in (
        exc.value.message
    )

    services.engagement_raise_max_hours(actor=w.coordinator, engagement=w.engagement, max_hours=12)
    assert log(w, hours="1", work_date=days_ago(3)).hours == Decimal("1")


def test_only_an_active_engagement_takes_hours(w):
    w.engagement.status = EngagementStatus.COMPLETED
    w.engagement.save()
    with pytest.raises(Conflict) as exc:
        log(w)
    assert exc.value.code == "engagement_not_active"


def test_the_note_goes_through_the_privacy_guard(w):
    with pytest.raises(DomainError) as exc:
        log(w, note="Bel moeder op 06-12345678")
    assert exc.value.field == "note"
    assert exc.value.code == "personal_data"


@pytest.mark.parametrize("who", ["coordinator", "other_partner_user", "other_coordinator"])
def test_only_the_partner_side_logs(w, who):
    with pytest.raises(PermissionDenied):
        log(w, actor=getattr(w, who))


def test_the_mzo_admin_and_its_key_persons_log_for_the_mzo_profile(w):
    assert log(w, actor=w.mzo_admin, engagement=w.mzo_engagement).logged_by == w.mzo_admin
    assert log(w, actor=w.mzo_key_person, engagement=w.mzo_engagement, hours="1")


# --- changing and withdrawing -----------------------------------------------------------------


def test_the_partner_corrects_submitted_hours_with_the_rules_checked_again(w):
    entry = log(w, hours="2")
    updated = services.time_entry_update(
        actor=w.partner_user, entry=entry, hours="3.25", note="Langer gesprek."
    )
    assert updated.hours == Decimal("3.25")
    assert updated.note == "Langer gesprek."

    with pytest.raises(DomainError) as exc:
        services.time_entry_update(
            actor=w.partner_user, entry=entry, work_date=today() + timedelta(days=2)
        )
    assert exc.value.field == "work_date"


def test_updating_does_not_count_the_entry_twice(w):
    w.engagement.max_hours = Decimal("4")
    w.engagement.save()
    entry = log(w, hours="4")
    assert services.time_entry_update(actor=w.partner_user, entry=entry, hours="4").hours == 4


def test_approved_hours_are_locked(w):
    entry = log(w)
    services.time_entry_approve(actor=w.coordinator, entry=entry)
    with pytest.raises(Conflict) as exc:
        services.time_entry_update(actor=w.partner_user, entry=entry, hours="1")
    assert exc.value.code == "time_entry_locked"
    with pytest.raises(Conflict):
        services.time_entry_withdraw(actor=w.partner_user, entry=entry)
    with pytest.raises(Conflict):
        services.time_entry_reject(actor=w.coordinator, entry=entry, reason="Toch niet.")


def test_withdrawing_twice_is_the_same_and_the_care_side_cannot_withdraw(w):
    entry = log(w)
    with pytest.raises(PermissionDenied):
        services.time_entry_withdraw(actor=w.coordinator, entry=entry)
    assert services.time_entry_withdraw(actor=w.partner_user, entry=entry).status == "withdrawn"
    assert services.time_entry_withdraw(actor=w.partner_user, entry=entry).status == "withdrawn"


# --- deciding ---------------------------------------------------------------------------------


def test_the_coordinator_approves_and_the_partner_hears_it(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    entry = log(w)
    with django_capture_on_commit_callbacks(execute=True):
        approved = services.time_entry_approve(actor=w.coordinator, entry=entry)
    assert approved.status == TimeEntryStatus.APPROVED
    assert approved.decided_by == w.coordinator
    assert approved.decided_at is not None
    assert [m.to for m in mailoutbox] == [[w.partner_user.email]]
    # Approving again changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.time_entry_approve(actor=w.coordinator, entry=entry)
    assert len(mailoutbox) == 1


def test_approval_calls_the_payable_hook(w, monkeypatch):
    entry = log(w)

    def refuse(entry):
        raise Conflict("Over the allowance cap.", code="allowance_cap")

    monkeypatch.setattr(services, "_ensure_payable", refuse)
    with pytest.raises(Conflict):
        services.time_entry_approve(actor=w.coordinator, entry=entry)
    assert TimeEntry.objects.get(pk=entry.pk).status == TimeEntryStatus.SUBMITTED


def test_nobody_approves_their_own_hours(w):
    # E.g. a coordinator who once logged for the partner (entered directly here).
    entry = TimeEntryFactory(engagement=w.engagement, logged_by=w.coordinator)
    with pytest.raises(PermissionDenied) as exc:
        services.time_entry_approve(actor=w.coordinator, entry=entry)
    assert exc.value.code == "self_approval"
    with pytest.raises(PermissionDenied):
        services.time_entry_reject(actor=w.coordinator, entry=entry, reason="Nee.")
    assert entry not in entries_awaiting_approval(w.coordinator)
    assert entry in entries_awaiting_approval(w.second_coordinator)


def test_the_database_refuses_self_approval_too(w):
    entry = TimeEntryFactory(engagement=w.engagement, logged_by=w.coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.filter(pk=entry.pk).update(
            status=TimeEntryStatus.APPROVED, decided_by=w.coordinator, decided_at=timezone.now()
        )


@pytest.mark.parametrize("who", ["partner_user", "other_coordinator", "mzo_admin"])
def test_only_the_care_side_decides(w, who):
    entry = log(w)
    with pytest.raises(PermissionDenied):
        services.time_entry_approve(actor=getattr(w, who), entry=entry)
    with pytest.raises(PermissionDenied):
        services.time_entry_reject(actor=getattr(w, who), entry=entry, reason="Nee.")


def test_rejecting_needs_a_reason_that_the_partner_reads(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    entry = log(w)
    with pytest.raises(DomainError) as exc:
        services.time_entry_reject(actor=w.coordinator, entry=entry, reason="  ")
    assert exc.value.field == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        rejected = services.time_entry_reject(
            actor=w.coordinator, entry=entry, reason="Dit was een ander gezin."
        )
    assert rejected.status == TimeEntryStatus.REJECTED
    assert rejected.reject_reason == "Dit was een ander gezin."
    assert "Dit was een ander gezin." in mailoutbox[0].body
    with pytest.raises(Conflict):
        services.time_entry_approve(actor=w.coordinator, entry=entry)


def test_bulk_approval_approves_what_it_can_and_says_why_not_for_the_rest(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    first = log(w, hours="1", work_date=days_ago(3))
    second = log(w, hours="2", work_date=days_ago(2))
    own = TimeEntryFactory(engagement=w.engagement, logged_by=w.coordinator, hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        results = services.time_entries_approve(actor=w.coordinator, entries=[second, own, first])

    by_pk = {r.entry.pk: r for r in results}
    assert by_pk[first.pk].approved and by_pk[second.pk].approved
    assert not by_pk[own.pk].approved
    assert by_pk[own.pk].error.code == "self_approval"
    assert len(mailoutbox) == 1  # one mail for the lot
    assert "(2 entries)" in mailoutbox[0].body
    assert "3 h" in mailoutbox[0].body
    assert services.approval_summary(results) == "2 entries approved. 1 entry not approved:"


# --- raising the maximum ----------------------------------------------------------------------


def test_raising_the_maximum_is_for_the_coordinator_and_only_upwards(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    with pytest.raises(PermissionDenied):
        services.engagement_raise_max_hours(
            actor=w.partner_user, engagement=w.engagement, max_hours=50
        )
    with pytest.raises(PermissionDenied):
        services.engagement_raise_max_hours(
            actor=w.other_coordinator, engagement=w.engagement, max_hours=50
        )
    with pytest.raises(DomainError) as exc:
        services.engagement_raise_max_hours(
            actor=w.coordinator, engagement=w.engagement, max_hours=30
        )
    assert "it is 40 h now" in exc.value.message
    with django_capture_on_commit_callbacks(execute=True):
        raised = services.engagement_raise_max_hours(
            actor=w.coordinator, engagement=w.engagement, max_hours="52.5"
        )
    assert raised.max_hours == Decimal("52.50")
    assert "from 40 h to 52.5 h" in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="engagement.max_hours_raised").count() == 1


# --- reads ------------------------------------------------------------------------------------


def test_hours_used_counts_waiting_and_approved(w):
    log(w, hours="2")
    approved_entry(w.engagement, w.coordinator, hours=Decimal("3"))
    withdrawn = log(w, hours="1")
    services.time_entry_withdraw(actor=w.partner_user, entry=withdrawn)
    used = hours_used(w.engagement)
    assert (used.submitted, used.approved, used.used, used.remaining) == (2, 3, 5, 35)


def test_entries_are_visible_only_to_the_two_sides(w):
    entry = log(w)
    assert entry in time_entries_visible_to(w.partner_user)
    assert entry in time_entries_visible_to(w.coordinator)
    assert entry not in time_entries_visible_to(w.other_partner_user)
    assert entry not in time_entries_visible_to(w.other_coordinator)
    assert entry not in time_entries_visible_to(w.mzo_key_person)
    assert entry not in entries_awaiting_approval(w.other_coordinator)
