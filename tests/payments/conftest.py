import json
import urllib.request

import pytest

from partners.taxonomy_data import seed_current_taxonomy
from payments import gateway
from payments.storage import document_storage

# The small Haaglanden gazetteer and taxonomy that the request tests build, shared here.
from tests.requests.conftest import places, taxonomy  # noqa: F401

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


@pytest.fixture
def replay(monkeypatch):
    """Recorded payloads for Connect and Checkout; every other call reaches localstripe."""
    from tests.payments.stripe_replay import ReplayingHttpClient

    client = ReplayingHttpClient()
    monkeypatch.setattr(gateway, "_http_client", lambda: client)
    return client


class LocalstripeProcess:
    """A localstripe of this test alone, which the test can stop and start again."""

    def __init__(self):
        from tests.conftest import _free_port

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        import socket
        import subprocess
        import sys
        import time
        from pathlib import Path

        script = Path(__file__).parent.parent / "localstripe_server.py"
        self.process = subprocess.Popen(
            [sys.executable, str(script), str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("localstripe did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_localstripe(settings):
    server = LocalstripeProcess()
    server.start()
    settings.STRIPE_SECRET_KEY = "sk_test_brugwerk"
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield server
    server.stop()


@pytest.fixture
def documents(settings, tmp_path):
    """Rendered documents go to a temporary folder (the storage is built once per settings)."""
    settings.DOCUMENTS_ROOT = tmp_path
    document_storage.cache_clear()
    yield tmp_path
    document_storage.cache_clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _taxonomy(request):
    """The seeded taxonomy; flushed by transactional tests, so seeded again where needed."""
    if "django_db" in {mark.name for mark in request.node.iter_markers()}:
        request.getfixturevalue("db" if not _transactional(request) else "transactional_db")
        seed_current_taxonomy()


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
