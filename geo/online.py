"""Online geocoders for production (settings.GEOCODER = "nominatim" or "pdok"), each behind a
database cache and geopy's RateLimiter.

Every one is built with geopy's URLLibAdapter: this repository's `requests/` app shadows the
PyPI `requests` library (see marketplace/shadowing.py), so geopy must never be left to pick its
HTTP client. Tests pass a fake adapter through `adapter_factory` instead of touching the network.
"""

import hashlib
from datetime import timedelta
from functools import lru_cache, partial

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from geopy.adapters import URLLibAdapter
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geo import conf, errors
from geo.models import GeocodeCache
from geo.pdok import PdokLocatieserver
from geo.text import fold

PROVIDERS = ("nominatim", "pdok")


def build_geocoder(name: str, *, adapter_factory=URLLibAdapter) -> Geocoder:
    """The bare geopy geocoder for a provider, configured from settings."""
    common = {
        "user_agent": conf.user_agent(),
        "timeout": conf.timeout_seconds(),
        "adapter_factory": adapter_factory,
    }
    if conf.domain():
        common["domain"] = conf.domain()
    if name == "nominatim":
        return Nominatim(**common)
    if name == "pdok":
        return PdokLocatieserver(**common)
    raise ImproperlyConfigured(
        f"GEOCODER must be 'gazetteer' or one of {', '.join(PROVIDERS)}; got {name!r}."
    )


class CachedGeocoder:
    """geocode()/reverse() like geopy's, answered from GeocodeCache when it can, else by the
    provider at most once per `min_delay_seconds`."""

    def __init__(
        self,
        geocoder: Geocoder,
        *,
        provider: str,
        min_delay_seconds: float,
        max_age: timedelta,
        geocode_options: dict | None = None,
    ):
        self.geocoder = geocoder
        self.provider = provider
        self.max_age = max_age
        self.geocode_options = geocode_options or {}
        limits = {
            "min_delay_seconds": min_delay_seconds,
            "max_retries": 2,
            "error_wait_seconds": max(min_delay_seconds, 1.0),
            "swallow_exceptions": False,
        }
        self._geocode = RateLimiter(geocoder.geocode, **limits)
        self._reverse = RateLimiter(geocoder.reverse, **limits)

    def geocode(self, query: str, *, exactly_one: bool = True):
        key = fold(query or "")
        if not key:
            raise errors.empty()
        ask = partial(self._geocode, query, exactly_one=False, **self.geocode_options)
        return _pick(self._cached(GeocodeCache.Kind.GEOCODE, key, ask), exactly_one)

    def reverse(self, point, *, exactly_one: bool = True):
        try:
            point = point if isinstance(point, Point) else Point(point)
        except (TypeError, ValueError):
            raise errors.invalid_point() from None
        # About a metre: nearby clicks share an answer.
        key = f"{point.latitude:.5f},{point.longitude:.5f}"
        ask = partial(self._reverse, key, exactly_one=False)
        return _pick(self._cached(GeocodeCache.Kind.REVERSE, key, ask), exactly_one)

    def _cached(self, kind: str, key: str, ask) -> list[Location]:
        query_hash = hashlib.sha256(f"{self.provider}\n{kind}\n{key}".encode()).hexdigest()
        fresh_after = timezone.now() - self.max_age
        entry = GeocodeCache.objects.filter(
            provider=self.provider, kind=kind, query_hash=query_hash, created__gte=fresh_after
        ).first()
        if entry is not None:
            return [Location(r["address"], (r["lat"], r["lon"]), r["raw"]) for r in entry.result]
        try:
            answer = ask()
        except GeopyError as exc:
            raise errors.GeocoderUnavailable() from exc
        locations = [answer] if isinstance(answer, Location) else list(answer or [])
        GeocodeCache.objects.update_or_create(
            provider=self.provider,
            kind=kind,
            query_hash=query_hash,
            defaults={
                "result": [
                    {"address": x.address, "lat": x.latitude, "lon": x.longitude, "raw": x.raw}
                    for x in locations
                ],
                "created": timezone.now(),
            },
        )
        return locations


def _pick(locations: list[Location], exactly_one: bool):
    if exactly_one:
        return locations[0] if locations else None
    return locations


def online_geocoder(name: str, *, adapter_factory=URLLibAdapter) -> CachedGeocoder:
    geocode_options = {"country_codes": "nl", "language": "nl"} if name == "nominatim" else {}
    return CachedGeocoder(
        build_geocoder(name, adapter_factory=adapter_factory),
        provider=name,
        min_delay_seconds=conf.min_delay_seconds(),
        max_age=timedelta(days=conf.cache_days()),
        geocode_options=geocode_options,
    )


def cached_online_geocoder(name: str) -> CachedGeocoder:
    """One per process and configuration, so the rate limiter sees every call."""
    return _online_geocoder(
        name, conf.user_agent(), conf.domain(), conf.min_delay_seconds(), conf.timeout_seconds()
    )


@lru_cache(maxsize=8)
def _online_geocoder(name: str, *_settings) -> CachedGeocoder:
    return online_geocoder(name)


def purge_geocode_cache(*, older_than: timedelta | None = None) -> int:
    """Delete cache entries past their age (for a periodic task); returns how many."""
    cutoff = timezone.now() - (older_than or timedelta(days=conf.cache_days()))
    deleted, _ = GeocodeCache.objects.filter(created__lt=cutoff).delete()
    return deleted
