"""The one door to Stripe. Every Stripe call in Brugwerk goes through a function here.

The client gets an explicit urllib HTTP client: our `requests/` app shadows the PyPI `requests`
library that stripe would otherwise pick by default. The API base address comes from settings so
tests can point it at localstripe.

Amounts cross this door in euro cents (Stripe's unit); callers pass Decimal euros to `cents()`.
Calls that move money take an idempotency key, so a retried call never moves money twice.
The Connect (accounts, account links, transfers) and Checkout calls are kept apart at the end:
localstripe does not serve them, so they are tested against recorded Stripe payloads.
"""

from decimal import Decimal

import stripe
from django.conf import settings

from marketplace.money import quantize_money

# Errors worth retrying later: Stripe (or the network to it) is down or overloaded.
TRANSIENT_ERRORS = (stripe.APIConnectionError, stripe.RateLimitError)


def _http_client() -> stripe.HTTPClient:
    """The transport under every Stripe call (tests swap in one that replays recorded payloads
    for the calls localstripe does not serve)."""
    return stripe.UrllibClient()


def stripe_client(
    *, api_key: str | None = None, api_base: str | None = None
) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key or settings.STRIPE_SECRET_KEY or "sk_test_missing",
        base_addresses={"api": api_base or settings.STRIPE_API_BASE},
        http_client=_http_client(),
        max_network_retries=2,
    )


def cents(amount: Decimal) -> int:
    return int(quantize_money(amount) * 100)


def euros(amount_cents: int) -> Decimal:
    return quantize_money(Decimal(amount_cents) / 100)


def is_transient(error: Exception) -> bool:
    if isinstance(error, TRANSIENT_ERRORS):
        return True
    return isinstance(error, stripe.APIError) and (error.http_status or 500) >= 500


# --- Collecting from care organisations (localstripe serves these) -----------------------------


def create_payment_intent(
    *,
    amount: Decimal,
    method: str,
    metadata: dict[str, str],
    idempotency_key: str,
    payment_method: str | None = None,
    client: stripe.StripeClient | None = None,
) -> stripe.PaymentIntent:
    """A PaymentIntent for `method` ('card' or 'sepa_debit'); confirmed separately."""
    params: dict = {
        "amount": cents(amount),
        "currency": "eur",
        "payment_method_types": [method],
        "metadata": metadata,
    }
    if payment_method:
        params["payment_method"] = payment_method
    return (client or stripe_client()).v1.payment_intents.create(
        params=params, options={"idempotency_key": idempotency_key}
    )


def confirm_payment_intent(
    intent_id: str, *, mandate_data: dict | None = None, client: stripe.StripeClient | None = None
) -> stripe.PaymentIntent:
    """Confirm server-side (a PaymentMethod attached at creation). Raises stripe.CardError on a
    decline. In production the browser confirms with Stripe.js instead."""
    params = {"mandate_data": mandate_data} if mandate_data else {}
    return (client or stripe_client()).v1.payment_intents.confirm(intent_id, params=params)


def retrieve_payment_intent(
    intent_id: str, *, client: stripe.StripeClient | None = None
) -> stripe.PaymentIntent:
    return (client or stripe_client()).v1.payment_intents.retrieve(intent_id)


def refund_payment_intent(
    intent_id: str,
    *,
    amount: Decimal,
    idempotency_key: str,
    client: stripe.StripeClient | None = None,
) -> stripe.Refund:
    """Stripe would refuse an over-refund, but callers must check first (localstripe does not)."""
    return (client or stripe_client()).v1.refunds.create(
        params={"payment_intent": intent_id, "amount": cents(amount)},
        options={"idempotency_key": idempotency_key},
    )


def create_connected_payout(
    *,
    amount: Decimal,
    account_id: str,
    metadata: dict[str, str],
    idempotency_key: str,
    client: stripe.StripeClient | None = None,
) -> stripe.Payout:
    """Pay a connected account's balance out to the partner's bank (accounts on manual payouts,
    so Brugwerk knows the day the money leaves for the partner)."""
    return (client or stripe_client()).v1.payouts.create(
        params={"amount": cents(amount), "currency": "eur", "metadata": metadata},
        options={"idempotency_key": idempotency_key, "stripe_account": account_id},
    )


def retrieve_payout(
    payout_id: str, *, account_id: str | None = None, client: stripe.StripeClient | None = None
) -> stripe.Payout:
    options = {"stripe_account": account_id} if account_id else {}
    return (client or stripe_client()).v1.payouts.retrieve(payout_id, options=options)


def construct_event(payload: bytes, signature_header: str | None) -> stripe.Event:
    """Verify the Stripe-Signature header (constant-time HMAC, 5-minute tolerance) and parse.

    Raises stripe.SignatureVerificationError or ValueError."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise stripe.SignatureVerificationError("no webhook secret configured", signature_header)
    return stripe.Webhook.construct_event(payload, signature_header, secret)


# --- Connect and Checkout (not in localstripe: contract-tested with recorded payloads) --------


def create_connect_account(
    *, email: str, idempotency_key: str, client: stripe.StripeClient | None = None
) -> stripe.Account:
    """An Express account for a partner in the Netherlands, paid by transfers."""
    return (client or stripe_client()).v1.accounts.create(
        params={
            "type": "express",
            "country": "NL",
            "email": email,
            "capabilities": {"transfers": {"requested": True}},
            "settings": {"payouts": {"schedule": {"interval": "manual"}}},
        },
        options={"idempotency_key": idempotency_key},
    )


def retrieve_account(
    account_id: str, *, client: stripe.StripeClient | None = None
) -> stripe.Account:
    return (client or stripe_client()).v1.accounts.retrieve(account_id)


def create_account_link(
    *,
    account_id: str,
    refresh_url: str,
    return_url: str,
    client: stripe.StripeClient | None = None,
) -> stripe.AccountLink:
    return (client or stripe_client()).v1.account_links.create(
        params={
            "account": account_id,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        }
    )


def create_transfer(
    *,
    amount: Decimal,
    destination: str,
    transfer_group: str,
    metadata: dict[str, str],
    idempotency_key: str,
    client: stripe.StripeClient | None = None,
) -> stripe.Transfer:
    return (client or stripe_client()).v1.transfers.create(
        params={
            "amount": cents(amount),
            "currency": "eur",
            "destination": destination,
            "transfer_group": transfer_group,
            "metadata": metadata,
        },
        options={"idempotency_key": idempotency_key},
    )


def create_checkout_session(
    *,
    amount: Decimal,
    description: str,
    success_url: str,
    cancel_url: str,
    metadata: dict[str, str],
    idempotency_key: str,
    client: stripe.StripeClient | None = None,
) -> stripe.checkout.Session:
    """A hosted Checkout page paying by iDEAL (the Dutch bank-app payment)."""
    return (client or stripe_client()).v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "payment_method_types": ["ideal"],
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": cents(amount),
                        "product_data": {"name": description[:250]},
                    },
                }
            ],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
        },
        options={"idempotency_key": idempotency_key},
    )


def retrieve_checkout_session(
    session_id: str, *, client: stripe.StripeClient | None = None
) -> stripe.checkout.Session:
    return (client or stripe_client()).v1.checkout.sessions.retrieve(session_id)
