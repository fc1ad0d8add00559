"""A task through a real Celery worker process on the configured Redis broker (not eager)."""

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult, allow_join_result
from django.conf import settings
from django.db import connection
from django.utils import timezone

from marketplace.celery import app
from marketplace.models import OrganisationInvitation
from marketplace.models.organisations import InvitationStatus
from marketplace.services import organisations as services
from marketplace.tasks import expire_invitations_task, ping_task
from tests.factories import MembershipFactory

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )


@pytest.fixture
def worker():
    """Start a worker on a queue of its own, against this test database, and stop it after.
    The worker stores results in Redis (CELERY_RESULT_BACKEND) for `Worker.run` to read."""
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://") or connection.vendor != "postgresql":
        pytest.fail("This test needs CELERY_BROKER_URL=redis://… and PostgreSQL (make test).")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        # Not a pipe: nobody reads it while the test runs, and a full pipe would block the worker.
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    eager = app.conf.task_always_eager
    try:
        app.conf.task_always_eager = False
        yield Worker(queue=queue, results=RedisBackend(app=app, url=broker))
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Worker:
    queue: str
    results: RedisBackend

    def run(self, task, *args):
        """Send to this worker's queue and wait for the answer (through Redis, not eager)."""
        sent = task.apply_async(args=args, queue=self.queue)
        # This process is the client, never a task; eager tasks run earlier in the session can
        # leave Celery's "inside a task" guard set, which would refuse the wait.
        with allow_join_result():
            return AsyncResult(sent.id, backend=self.results).get(timeout=60)


def test_a_task_runs_in_a_real_worker(worker):
    assert worker.run(ping_task, "brugwerk") == "pong:brugwerk"


def test_the_worker_expires_invitations_in_the_database(worker):
    admin = MembershipFactory(role="admin").user
    invitation, _ = services.invitation_create(
        actor=admin,
        organisation=admin.memberships.get().organisation,
        email="late@example.org",
        role="coordinator",
    )
    OrganisationInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )

    expired = worker.run(expire_invitations_task)

    invitation.refresh_from_db()
    assert expired == 1
    assert invitation.status == InvitationStatus.EXPIRED
