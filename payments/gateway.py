"""The one door to Stripe. Every Stripe call in Brugwerk goes through a client built here.

The client gets an explicit urllib HTTP client: our `requests/` app shadows the PyPI `requests`
library that stripe would otherwise pick by default. The API base address comes from settings so
tests can point it at localstripe.
"""

import stripe
from django.conf import settings


def stripe_client(
    *, api_key: str | None = None, api_base: str | None = None
) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key or settings.STRIPE_SECRET_KEY or "sk_test_missing",
        base_addresses={"api": api_base or settings.STRIPE_API_BASE},
        http_client=stripe.UrllibClient(),
        max_network_retries=2,
    )
