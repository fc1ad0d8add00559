"""Reads the rest of Brugwerk uses: turn what someone typed, or a point, into a CBS place, and
suggest places for autocomplete. (Lists of places are querysets on geo.models.)

`resolve_place("2525 AB")` → ResolvedPlace(kind="pc6", municipality=GM0518 Den Haag,
district=WK051829 Schilderswijk, neighbourhood=BU05182915 Schildersbuurt-West, pc4="2525", …).
resolve_place and reverse_place live with the geocoders they use and are offered here too.
"""

from geo import matching
from geo.areas import Area
from geo.geocoders import ResolvedPlace, resolve_place, reverse_place
from geo.index import get_index

__all__ = ["ResolvedPlace", "resolve_place", "reverse_place", "suggest_places"]


def suggest_places(text: str, *, limit: int = 10) -> list[Area]:
    return matching.suggest(get_index(), text, limit=limit)
