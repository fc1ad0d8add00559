import json
import urllib.request

import pytest

from payments import gateway

WEBHOOK_SECRET = "whsec_brugwerk_test"


@pytest.fixture
def stripe_settings(settings, localstripe_url):
    settings.STRIPE_SECRET_KEY = "sk_test_brugwerk"
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return settings


def card(number: str) -> str:
    """A PaymentMethod on localstripe (in production Stripe.js makes it in the browser)."""
    method = gateway.stripe_client().v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    return method.id


def sepa_debit(iban: str) -> str:
    method = gateway.stripe_client().v1.payment_methods.create(
        params={
            "type": "sepa_debit",
            "sepa_debit": {"iban": iban},
            "billing_details": {"name": "Jeugdteam", "email": "betaal@example.org"},
        }
    )
    return method.id


def register_webhook(localstripe_url: str, target: str, hook_id: str = "brugwerk") -> None:
    data = json.dumps({"url": target, "secret": WEBHOOK_SECRET}).encode()
    request = urllib.request.Request(
        f"{localstripe_url}/_config/webhooks/{hook_id}",
        data=data,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=5).read()
