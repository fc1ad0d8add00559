"""The lifecycle: every allowed transition through its service, every other one refused with a
Conflict that names the current status, and the expiry task safe to run twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.models import AuditEntry, Role
from requests import lifecycle, services
from requests.models import Status, SupportRequest
from requests.tasks import expire_requests_task
from tests.factories import MembershipFactory, member
from tests.requests.factories import SupportRequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("places")]

SERVICE_FOR = {
    Status.OPEN: services.request_publish,
    Status.MATCHING: services.request_start_matching,
    Status.FILLED: services.request_mark_filled,
    Status.IN_PROGRESS: services.request_start,
    Status.COMPLETED: services.request_complete,
    Status.CANCELLED: services.request_cancel,
}
ALLOWED = [
    (old, new)
    for old, targets in lifecycle.TRANSITIONS.items()
    for new in sorted(targets)
    if new != Status.EXPIRED
]
REFUSED = [
    (old, new)
    for old in Status.values
    for new in SERVICE_FOR
    if new not in lifecycle.TRANSITIONS[old]
]


def test_the_table_matches_the_agreed_lifecycle():
    assert {
        "draft": {"open", "cancelled"},
        "open": {"matching", "filled", "cancelled", "expired"},
        "matching": {"filled", "cancelled", "expired"},
        "filled": {"in_progress", "cancelled"},
        "in_progress": {"completed"},
        "completed": set(),
        "cancelled": set(),
        "expired": set(),
    } == lifecycle.TRANSITIONS
    assert lifecycle.allowed_actions("open") == ["start_matching", "mark_filled", "cancel"]


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_every_allowed_transition_through_its_service(old, new):
    request = SupportRequestFactory(status=old)
    coordinator = request.created_by
    before = request.status_changed_at

    changed = SERVICE_FOR[new](actor=coordinator, request=request)

    request.refresh_from_db()
    assert changed.status == request.status == new
    assert request.status_changed_at > before
    entry = AuditEntry.objects.get(action=f"support_request.{new}", object_id=str(request.pk))
    assert entry.actor == coordinator and entry.organisation == request.organisation
    assert entry.data["old"] == old and entry.data["new"] == new


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_every_other_transition_is_a_conflict_naming_the_current_status(old, new):
    request = SupportRequestFactory(status=old)

    with pytest.raises(Conflict) as caught:
        SERVICE_FOR[new](actor=request.created_by, request=request)

    request.refresh_from_db()
    assert request.status == old
    assert caught.value.code == "illegal_transition"
    assert f"This request is {Status(old).label.lower()}" in caught.value.message
    assert not AuditEntry.objects.filter(action__startswith="support_request.").exists()


def test_a_concurrent_change_loses_cleanly():
    request = SupportRequestFactory(status=Status.OPEN)
    stale = SupportRequest.objects.get(pk=request.pk)
    SupportRequest.objects.filter(pk=request.pk).update(status=Status.CANCELLED)

    with pytest.raises(Conflict) as caught:
        lifecycle.transition(stale, to=Status.MATCHING, actor=request.created_by)

    assert caught.value.code == "concurrent_change"
    assert "now cancelled" in caught.value.message


def test_cancel_records_the_reason():
    request = SupportRequestFactory(status=Status.OPEN)

    services.request_cancel(
        actor=request.created_by, request=request, reason="Het wijkteam pakt dit op."
    )

    entry = AuditEntry.objects.get(action="support_request.cancelled")
    assert entry.data["reason"] == "Het wijkteam pakt dit op."


def test_a_cancel_reason_is_guarded_too():
    request = SupportRequestFactory(status=Status.OPEN)

    with pytest.raises(DomainError) as caught:
        services.request_cancel(
            actor=request.created_by, request=request, reason="Moeder belde vanaf 06-12345678"
        )

    assert caught.value.field == "reason"


@pytest.mark.parametrize(
    "service",
    [
        services.request_publish,
        services.request_cancel,
        services.request_start,
        services.request_complete,
    ],
)
def test_only_coordinators_and_admins_of_the_organisation_change_the_status(service):
    request = SupportRequestFactory(status=Status.DRAFT)
    outsiders = [
        member(Role.COORDINATOR),
        member(Role.KEY_PERSON),
        MembershipFactory(organisation=request.organisation, role=Role.ADMIN, is_active=False).user,
    ]

    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            service(actor=outsider, request=request)

    request.refresh_from_db()
    assert request.status == Status.DRAFT


def test_expiry_expires_open_and_matching_requests_past_their_deadline_once():
    yesterday = timezone.localdate() - timedelta(days=1)
    overdue = [
        SupportRequestFactory(status=status, response_deadline=yesterday)
        for status in (Status.OPEN, Status.MATCHING, Status.OPEN)
    ]
    due_today = SupportRequestFactory(status=Status.OPEN, response_deadline=timezone.localdate())
    untouched = [
        SupportRequestFactory(status=status, response_deadline=yesterday)
        for status in (Status.DRAFT, Status.FILLED, Status.CANCELLED)
    ]

    first = expire_requests_task()
    second = expire_requests_task()

    assert (first, second) == (3, 0)
    for request in overdue:
        request.refresh_from_db()
        assert request.status == Status.EXPIRED
    due_today.refresh_from_db()
    assert due_today.status == Status.OPEN
    assert [SupportRequest.objects.get(pk=r.pk).status for r in untouched] == [
        Status.DRAFT,
        Status.FILLED,
        Status.CANCELLED,
    ]
    entries = AuditEntry.objects.filter(action="support_request.expired")
    assert entries.count() == 3 and {e.actor for e in entries} == {None}


def test_expiry_works_in_bounded_batches():
    yesterday = timezone.localdate() - timedelta(days=1)
    SupportRequestFactory.create_batch(5, status=Status.OPEN, response_deadline=yesterday)

    assert services.requests_expire(batch_size=2) == 5
    assert services.requests_expire(batch_size=2) == 0
    assert set(SupportRequest.objects.values_list("status", flat=True)) == {Status.EXPIRED}
