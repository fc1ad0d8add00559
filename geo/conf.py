"""Geo settings with their defaults, read when used so tests can override them.

Settings (all optional; see the report for the lines to add to marketplace/settings.py):
- GEOCODER: "gazetteer" (offline, default), "nominatim" or "pdok".
- GEOCODER_USER_AGENT: identifies Brugwerk to online providers (Nominatim's usage policy).
- GEOCODER_DOMAIN: host of the online provider, e.g. an own Nominatim instance.
- GEOCODER_MIN_DELAY_SECONDS: pause between online calls (Nominatim allows one a second).
- GEOCODER_TIMEOUT_SECONDS: per online call.
- GEOCODER_CACHE_DAYS: how long an online answer is reused.
- GEO_PREFERRED_MUNICIPALITIES: codes listed first in autocomplete (default: Haaglanden).
- GEO_INDEX_CHECK_SECONDS: how often a process checks for a newer gazetteer load.
"""

from django.conf import settings

# The nine municipalities of the Haaglanden youth-care region, where Brugwerk starts.
HAAGLANDEN = (
    "GM0518",  # Den Haag
    "GM0503",  # Delft
    "GM0637",  # Zoetermeer
    "GM0603",  # Rijswijk
    "GM1783",  # Westland
    "GM1916",  # Leidschendam-Voorburg
    "GM1926",  # Pijnacker-Nootdorp
    "GM1842",  # Midden-Delfland
    "GM0629",  # Wassenaar
)


def geocoder_name() -> str:
    return str(getattr(settings, "GEOCODER", "gazetteer") or "gazetteer").lower()


def user_agent() -> str:
    default = f"Brugwerk ({getattr(settings, 'SITE_URL', 'http://localhost')})"
    return getattr(settings, "GEOCODER_USER_AGENT", "") or default


def domain() -> str:
    return getattr(settings, "GEOCODER_DOMAIN", "") or ""


def min_delay_seconds() -> float:
    return float(getattr(settings, "GEOCODER_MIN_DELAY_SECONDS", 1.0))


def timeout_seconds() -> float:
    return float(getattr(settings, "GEOCODER_TIMEOUT_SECONDS", 5.0))


def cache_days() -> int:
    return int(getattr(settings, "GEOCODER_CACHE_DAYS", 90))


def preferred_municipalities() -> frozenset[str]:
    return frozenset(getattr(settings, "GEO_PREFERRED_MUNICIPALITIES", HAAGLANDEN))


def index_check_seconds() -> float:
    return float(getattr(settings, "GEO_INDEX_CHECK_SECONDS", 30.0))
