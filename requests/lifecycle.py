"""The lifecycle of a support request: one table of allowed transitions and one `transition()`.

    draft → open → matching → filled → in progress → completed
    draft, open, matching, filled → cancelled;  open, matching → expired (past the deadline)

and one step nobody takes by hand: filled or in progress → matching when the engagement is called
off while the period runs (SYSTEM_TRANSITIONS, taken by marketplace's engagement_cancel).

`transition()` is the only code that changes `status`. It does not check permissions: the
services in requests.services (and, for matching, marketplace's services) check who may do it
first, then call it inside their transaction.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.errors import Conflict
from requests.models import Status, SupportRequest

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.OPEN, Status.CANCELLED}),
    Status.OPEN: frozenset({Status.MATCHING, Status.FILLED, Status.CANCELLED, Status.EXPIRED}),
    Status.MATCHING: frozenset({Status.FILLED, Status.CANCELLED, Status.EXPIRED}),
    Status.FILLED: frozenset({Status.IN_PROGRESS, Status.CANCELLED}),
    Status.IN_PROGRESS: frozenset({Status.COMPLETED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.EXPIRED: frozenset(),
}

SYSTEM_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.FILLED: frozenset({Status.MATCHING}),
    Status.IN_PROGRESS: frozenset({Status.MATCHING}),
}

FINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)

# The actions people take (web buttons and API actions), by the status they lead to.
ACTIONS: dict[str, str] = {
    "publish": Status.OPEN,
    "start_matching": Status.MATCHING,
    "mark_filled": Status.FILLED,
    "start": Status.IN_PROGRESS,
    "complete": Status.COMPLETED,
    "cancel": Status.CANCELLED,
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def allowed_actions(current: str) -> list[str]:
    """The actions that are possible from `current`, in the order of ACTIONS."""
    return [action for action, target in ACTIONS.items() if can_transition(current, target)]


def _label(status: str) -> str:
    return str(Status(status).label).lower()


def transition(
    request: SupportRequest, *, to: str, actor, system: bool = False, **audit_data
) -> SupportRequest:
    """Move `request` to status `to` if the table allows it and nobody changed it meanwhile.

    A conditional UPDATE (… WHERE status = old) makes a concurrent change lose cleanly: exactly
    one row must change, else the caller gets a Conflict naming the status it is in now.
    """
    old = request.status
    by_system = system and to in SYSTEM_TRANSITIONS.get(old, frozenset())
    if not (can_transition(old, to) or by_system):
        raise Conflict(
            _("This request is %(current)s, so it cannot become %(target)s.")
            % {"current": _label(old), "target": _label(to)},
            code="illegal_transition",
        )
    now = timezone.now()
    changed = SupportRequest.objects.filter(pk=request.pk, status=old).update(
        status=to, status_changed_at=now, updated_at=now
    )
    if changed != 1:
        current = (
            SupportRequest.objects.filter(pk=request.pk).values_list("status", flat=True).first()
        )
        raise Conflict(
            _(
                "This request was changed meanwhile and is now %(current)s. Reload the page "
                "and try again."
            )
            % {"current": _label(current) if current else _("deleted")},
            code="concurrent_change",
        )
    request.status, request.status_changed_at, request.updated_at = to, now, now
    audit.record(
        actor=actor,
        action=f"support_request.{to}",
        obj=request,
        organisation=request.organisation,
        old=old,
        new=to,
        **audit_data,
    )
    return request
