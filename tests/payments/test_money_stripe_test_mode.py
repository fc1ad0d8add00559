"""Opt-in: the Connect and Checkout calls against Stripe's real test mode.

Runs only with STRIPE_TEST_SECRET_KEY (an sk_test_ key of a Connect-enabled test account):
    STRIPE_TEST_SECRET_KEY=sk_test_... make test PYTEST_ARGS="-m stripe_test_mode"
"""

import os
from decimal import Decimal

import pytest

from payments import gateway

KEY = os.environ.get("STRIPE_TEST_SECRET_KEY", "")

pytestmark = [
    pytest.mark.stripe_test_mode,
    pytest.mark.skipif(not KEY.startswith("sk_test_"), reason="needs STRIPE_TEST_SECRET_KEY"),
]


@pytest.fixture
def real_test_mode():
    return gateway.stripe_client(api_key=KEY, api_base="https://api.stripe.com")


def test_connect_account_and_onboarding_link(real_test_mode):
    account = gateway.create_connect_account(
        email="partner@example.org",
        idempotency_key=f"brugwerk-test-mode-{os.getpid()}",
        client=real_test_mode,
    )
    link = gateway.create_account_link(
        account_id=account.id,
        refresh_url="https://example.org/refresh",
        return_url="https://example.org/return",
        client=real_test_mode,
    )
    fetched = gateway.retrieve_account(account.id, client=real_test_mode)

    assert account.id.startswith("acct_") and not account.livemode
    assert link.url.startswith("https://connect.stripe.com/")
    assert fetched.settings.payouts.schedule.interval == "manual"


def test_ideal_checkout_session(real_test_mode):
    session = gateway.create_checkout_session(
        amount=Decimal("12.50"),
        description="Brugwerk test",
        success_url="https://example.org/ok",
        cancel_url="https://example.org/cancel",
        metadata={"brugwerk_payment": "0"},
        idempotency_key=f"brugwerk-test-mode-checkout-{os.getpid()}",
        client=real_test_mode,
    )

    assert session.url.startswith("https://checkout.stripe.com/")
    assert session.amount_total == 1250 and session.payment_method_types == ["ideal"]
