import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Assertions on messages read in English; Dutch rendering is tested explicitly.
    settings.LANGUAGE_CODE = "en"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_url():
    """A real, stateful fake Stripe server (localstripe) on 127.0.0.1 for the whole session."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "localstripe_server.py"), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(
                    f"localstripe exited: {process.stderr.read().decode()}"
                ) from None
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("localstripe did not start within 20 s")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(autouse=True)
def _allowance_caps(request):
    """A transactional test flushes the database, data migrations' rows included: put the
    published allowance caps back, as every real database has them."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        from importlib import import_module

        from django.apps import apps

        request.getfixturevalue("transactional_db")
        import_module("payments.migrations.0002_seed_allowance_caps").seed(apps, None)
