"""The online geocoders, tested at geopy's adapter boundary: a fake adapter stands in for HTTP."""

import sys
from datetime import timedelta
from pathlib import Path

import geopy.adapters
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from geopy.adapters import BaseSyncAdapter, URLLibAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders import Nominatim

from geo import geocoders, online
from geo.errors import GeocoderUnavailable, PlaceNotFound, Reason
from geo.models import GeocodeCache
from geo.pdok import PdokLocatieserver
from geo.selectors import resolve_place
from geo.tasks import purge_geocode_cache_task

HOEFKADE = {"lat": "52.0656", "lon": "4.3122", "display_name": "Hoefkade, Den Haag"}
PDOK_PAGE = {
    "response": {
        "numFound": 1,
        "docs": [
            {
                "type": "adres",
                "weergavenaam": "Hoefkade 1, 2526BA 's-Gravenhage",
                "centroide_ll": "POINT(4.31218 52.06585)",
                "buurtcode": "BU05182917",
                "gemeentecode": "0518",
            }
        ],
    }
}


class FakeAdapter(BaseSyncAdapter):
    """Answers every request with the JSON queued for it and remembers the URLs."""

    answers: list = []
    urls: list = []

    def __init__(self, *, proxies, ssl_context):
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url, *, timeout, headers):
        FakeAdapter.urls.append(url)
        answer = FakeAdapter.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get_text(self, url, *, timeout, headers):
        raise AssertionError("the geocoders ask for JSON")


@pytest.fixture
def fake_http(settings):
    settings.GEOCODER_MIN_DELAY_SECONDS = 0
    FakeAdapter.answers, FakeAdapter.urls = [], []
    return FakeAdapter


def test_building_online_geocoders_uses_urllib_and_never_the_requests_library(settings):
    # given the settings of production
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_USER_AGENT = "Brugwerk tests"
    # when the configured geocoder is built
    geocoder = geocoders.get_geocoder()
    # then geopy talks through urllib, with our user agent
    assert isinstance(geocoder, online.CachedGeocoder)
    assert isinstance(geocoder.geocoder, Nominatim)
    assert isinstance(geocoder.geocoder.adapter, URLLibAdapter)
    assert geocoder.geocoder.headers["User-Agent"] == "Brugwerk tests"
    assert isinstance(online.build_geocoder("pdok").adapter, URLLibAdapter)
    # and `requests`, if imported at all, is Brugwerk's app, not the PyPI library
    module = sys.modules.get("requests")
    if module is not None:
        assert Path(module.__file__).parent == Path(django_settings.BASE_DIR) / "requests"
    assert "requests.adapters" not in sys.modules
    assert geopy.adapters.requests_available is False


def test_unknown_geocoder_setting_fails_loudly(settings):
    settings.GEOCODER = "google"
    with pytest.raises(ImproperlyConfigured):
        geocoders.get_geocoder()


@pytest.mark.django_db
def test_nominatim_answers_are_cached_in_the_database(fake_http):
    # given Nominatim behind the cache, with one answer queued
    geocoder = online.online_geocoder("nominatim", adapter_factory=fake_http)
    fake_http.answers = [[HOEFKADE]]
    # when the same address is asked twice, written differently
    first = geocoder.geocode("Hoefkade, Den Haag")
    second = geocoder.geocode("hoefkade  den haag")
    # then the provider is asked once, for Dutch results, and the cache holds no address text
    assert len(fake_http.urls) == 1
    assert "countrycodes=nl" in fake_http.urls[0]
    assert (
        (first.latitude, first.longitude)
        == (second.latitude, second.longitude)
        == (52.0656, 4.3122)
    )
    entry = GeocodeCache.objects.get()
    assert (entry.provider, entry.kind) == ("nominatim", "geocode")
    assert "hoefkade" not in entry.query_hash.lower()


@pytest.mark.django_db
def test_nothing_found_is_cached_too(fake_http):
    geocoder = online.online_geocoder("nominatim", adapter_factory=fake_http)
    fake_http.answers = [[]]
    assert geocoder.geocode("Nergensstraat 1") is None
    assert geocoder.geocode("Nergensstraat 1") is None
    assert len(fake_http.urls) == 1


@pytest.mark.django_db
def test_pdok_geocoder_reads_the_locatieserver(fake_http):
    geocoder = online.online_geocoder("pdok", adapter_factory=fake_http)
    fake_http.answers = [PDOK_PAGE, PDOK_PAGE]
    location = geocoder.geocode("Hoefkade 1 Den Haag")
    assert (location.latitude, location.longitude) == (52.06585, 4.31218)
    assert location.raw["buurtcode"] == "BU05182917"
    assert fake_http.urls[0].startswith("https://api.pdok.nl/bzk/locatieserver/search/v3_1/free?")
    reverse = geocoder.reverse((52.06585, 4.31218))
    assert reverse.address == "Hoefkade 1, 2526BA 's-Gravenhage"
    assert "/reverse?" in fake_http.urls[1]


def test_pdok_without_results_is_none(fake_http):
    geocoder = PdokLocatieserver(adapter_factory=fake_http)
    fake_http.answers = [{"response": {"numFound": 0, "docs": []}}]
    assert geocoder.geocode("niets") is None


@pytest.mark.django_db
def test_a_provider_that_fails_gives_a_domain_error(fake_http):
    geocoder = online.online_geocoder("nominatim", adapter_factory=fake_http)
    fake_http.answers = [GeocoderServiceError("down")] * 3
    with pytest.raises(GeocoderUnavailable):
        geocoder.geocode("Hoefkade, Den Haag")


@pytest.mark.django_db
def test_resolve_place_asks_online_only_for_names_the_gazetteer_lacks(
    gazetteer, fake_http, settings, monkeypatch
):
    # given Nominatim configured (through the fake adapter)
    settings.GEOCODER = "nominatim"
    nominatim = online.online_geocoder("nominatim", adapter_factory=fake_http)
    monkeypatch.setattr(geocoders, "cached_online_geocoder", lambda name: nominatim)
    fake_http.answers = [[HOEFKADE]]
    # when a postcode and then an address are resolved
    postcode = resolve_place("2525 AB")
    address = resolve_place("Hoefkade 12, Den Haag")
    # then the postcode never leaves Brugwerk, and the address maps to its CBS neighbourhood
    assert postcode.kind == "pc6"
    assert len(fake_http.urls) == 1
    assert address.kind == "address"
    assert address.municipality.code == "GM0518"
    assert address.district.code == "WK051829"
    # and a malformed postcode is refused before anything goes online
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place("12345")
    assert caught.value.reason == Reason.MALFORMED_POSTCODE
    assert len(fake_http.urls) == 1


@pytest.mark.django_db
def test_purging_the_cache_drops_only_old_answers_and_can_run_twice(settings):
    # given one fresh and one stale answer
    settings.GEOCODER_CACHE_DAYS = 30
    GeocodeCache.objects.create(provider="nominatim", kind="geocode", query_hash="a" * 64)
    GeocodeCache.objects.create(
        provider="nominatim",
        kind="geocode",
        query_hash="b" * 64,
        created=timezone.now() - timedelta(days=31),
    )
    # when the task runs twice / then the stale one went, once
    assert purge_geocode_cache_task() == 1
    assert purge_geocode_cache_task() == 0
    assert GeocodeCache.objects.get().query_hash == "a" * 64
