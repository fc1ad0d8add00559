"""Celery tasks for money moves: thin, idempotent (a claimed payout is sent once)."""

from celery import shared_task
from django.conf import settings

from payments.models import Payout
from payments.services.payouts import (
    TransientPayoutError,
    backoff,
    send_due_payouts,
    send_payout,
)


@shared_task(bind=True, max_retries=None)
def send_payout_task(self, payout_id: int) -> str:
    """Send one Connect payout; Stripe unreachable → retried with backoff, up to the setting."""
    try:
        return send_payout(payout_id).state
    except TransientPayoutError as error:
        payout = Payout.objects.get(pk=payout_id)
        if payout.attempts >= settings.PAYOUT_MAX_RETRIES or self.request.is_eager:
            # Eager (local mode) cannot wait: the beat task below picks it up later.
            return payout.state
        raise self.retry(exc=error, countdown=backoff(payout.attempts).total_seconds()) from error


@shared_task
def retry_stale_payouts_task(limit: int = 100) -> int:
    """Beat, every 10 minutes: send pending Connect payouts that are due (a lost task, a crash)."""
    return send_due_payouts(limit=limit)
