"""Two acceptances at once. On PostgreSQL two threads, each with its own database connection,
accept at the same moment; on SQLite (no row locks, one writer) the same acceptances run one
after the other. Either way exactly one engagement exists and the loser gets a Conflict."""

import threading

import pytest
from django.db import connection

from marketplace.errors import Conflict
from marketplace.models import Engagement, InvitationStatus
from marketplace.services import engagements as services
from requests.models import Status
from tests.marketplace.engagement_factories import build_world, in_days
from tests.marketplace.test_engagements_urlconf import URLCONF
from tests.partners.factories import taxonomy
from tests.requests.conftest import _fast_passwords  # noqa: F401 - shared fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(URLCONF)]


def _at_once(attempts) -> list:
    """Run each (user, invitation) acceptance in its own thread, released together."""
    barrier = threading.Barrier(len(attempts))
    results: list = [None] * len(attempts)

    def accept(index, user, invitation):
        try:
            barrier.wait(timeout=10)
            results[index] = services.invitation_accept(actor=user, invitation=invitation)
        except Exception as exc:  # the result to assert on
            results[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=accept, args=(index, user, invitation))
        for index, (user, invitation) in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _one_after_the_other(attempts) -> list:
    results = []
    for user, invitation in attempts:
        try:
            results.append(services.invitation_accept(actor=user, invitation=invitation))
        except Exception as exc:
            results.append(exc)
    return results


def _accept_together(attempts) -> list:
    if connection.vendor == "postgresql":
        return _at_once(attempts)
    return _one_after_the_other(attempts)


def _send(world, partner):
    return services.invitation_send(
        actor=world.coordinator,
        request=world.support_request,
        partner=partner,
        respond_before=in_days(5),
    )


def test_two_partners_accepting_at_once_create_one_engagement(mailoutbox):
    taxonomy()
    world = build_world()
    invitations = [_send(world, world.a), _send(world, world.b)]

    results = _accept_together([(world.a.user, invitations[0]), (world.b.user, invitations[1])])

    engagements = list(Engagement.objects.filter(request=world.support_request))
    assert len(engagements) == 1
    won = [r for r in results if isinstance(r, Engagement)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert won == engagements and len(lost) == 1, results
    assert isinstance(lost[0], Conflict) and lost[0].code == "already_engaged"
    for invitation in invitations:
        invitation.refresh_from_db()
    statuses = sorted(invitation.status for invitation in invitations)
    assert statuses == [InvitationStatus.ACCEPTED, InvitationStatus.WITHDRAWN]
    world.support_request.refresh_from_db()
    assert world.support_request.status == Status.FILLED
    # The coordinator heard of the acceptance once; the loser heard nothing but the Conflict.
    assert [m.to for m in mailoutbox].count([world.coordinator.email]) == 1


def test_the_key_person_and_the_mzo_admin_accepting_at_once_get_the_same_engagement():
    taxonomy()
    world = build_world()
    invitation = _send(world, world.dispatched)

    results = _accept_together([(world.dispatched.user, invitation), (world.mzo_admin, invitation)])

    assert all(isinstance(r, Engagement) for r in results), results
    assert results[0] == results[1]
    assert Engagement.objects.count() == 1
