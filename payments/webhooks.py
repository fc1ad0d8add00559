"""The Stripe webhook: verify the signature, take each event once, re-fetch the object from the
API (never trust the payload), lock our row and apply. Unknown events get 200; a failure 500 so
Stripe delivers again."""

import logging

import stripe
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments import gateway
from payments.models import StripeEvent
from payments.services import payments as payment_services
from payments.services import payouts as payout_services

logger = logging.getLogger(__name__)


def _payment_intent(event):
    payment_services.apply_payment_intent(gateway.retrieve_payment_intent(event.data.object.id))


def _checkout_session(event):
    payment_services.apply_checkout_session(gateway.retrieve_checkout_session(event.data.object.id))


def _payout(event):
    account = getattr(event, "account", None)
    payout_services.apply_stripe_payout(
        gateway.retrieve_payout(event.data.object.id, account_id=account)
    )


def _account(event):
    payout_services.apply_connect_account(gateway.retrieve_account(event.data.object.id))


HANDLERS = {
    "payment_intent.succeeded": _payment_intent,
    "payment_intent.payment_failed": _payment_intent,
    "payment_intent.processing": _payment_intent,
    "payment_intent.requires_action": _payment_intent,
    "payment_intent.canceled": _payment_intent,
    "checkout.session.completed": _checkout_session,
    "checkout.session.async_payment_succeeded": _checkout_session,
    "checkout.session.async_payment_failed": _checkout_session,
    "payout.paid": _payout,
    "payout.failed": _payout,
    "payout.canceled": _payout,
    "account.updated": _account,
}


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = gateway.construct_event(request.body, request.headers.get("Stripe-Signature"))
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest("invalid signature")
    handler = HANDLERS.get(event.type)
    if handler is None:
        return HttpResponse("ignored")
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return HttpResponse("already applied")
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    StripeEvent.objects.create(
                        event_id=event.id, type=event.type, object_id=event.data.object.id
                    )
            except IntegrityError:
                return HttpResponse("already applied")  # a concurrent delivery won the insert
            handler(event)
    except payment_services.NotOurs:
        return HttpResponse("not a Brugwerk payment")
    except Exception:
        logger.exception("Stripe event %s (%s) failed; Stripe will retry", event.id, event.type)
        return HttpResponse("failed", status=500)
    return HttpResponse("ok")
