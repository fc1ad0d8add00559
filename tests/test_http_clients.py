"""Our `requests/` app shadows the PyPI `requests` library. Prove that the Stripe and geocoding
clients still work over real HTTP without it."""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from geopy.adapters import URLLibAdapter
from geopy.geocoders import Nominatim

from payments.gateway import stripe_client


def test_the_requests_name_is_our_app_not_the_library():
    import requests

    assert requests.__file__.endswith("requests/__init__.py")
    assert hasattr(requests, "apps") or "requests.apps" in sys.modules
    assert not hasattr(requests, "Session")


def test_stripe_client_talks_to_localstripe(localstripe_url):
    client = stripe_client(api_key="sk_test_brugwerk", api_base=localstripe_url)

    customer = client.v1.customers.create(params={"email": "betaler@example.org"})
    fetched = client.v1.customers.retrieve(customer.id)

    assert customer.id.startswith("cus_")
    assert fetched.email == "betaler@example.org"


class _NominatimLike(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps(
            [
                {
                    "lat": "52.0705",
                    "lon": "4.3007",
                    "display_name": "Den Haag",
                    "place_id": 1,
                    "osm_type": "relation",
                }
            ]
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim_like_server():
    server = HTTPServer(("127.0.0.1", 0), _NominatimLike)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()


def test_geopy_online_geocoder_works_over_urllib(nominatim_like_server):
    geocoder = Nominatim(
        user_agent="brugwerk-test",
        domain=nominatim_like_server,
        scheme="http",
        adapter_factory=URLLibAdapter,
    )

    location = geocoder.geocode("Den Haag")

    assert location is not None
    assert round(location.latitude, 2) == 52.07
