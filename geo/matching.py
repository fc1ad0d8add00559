"""From typed text to areas of the in-memory gazetteer: postcodes, CBS codes and names.

Never a guess: text that does not identify one place raises PlaceNotFound with the reason
(malformed or unknown postcode, unknown or ambiguous name). Names match on their folded form
(geo.text.fold), optionally qualified by a municipality before or after ("Den Haag
Schilderswijk", "Centrum, Delft").
"""

import math
import re
from bisect import bisect_left
from dataclasses import dataclass

from geo import conf, errors
from geo.areas import Area, GazetteerIndex, Kind
from geo.spatial import Hit
from geo.text import fold

MAX_QUERY_LENGTH = 200
# Postcode letters PostNL never issues (see stdnum.nl.postcode).
UNUSED_LETTERS = frozenset({"SA", "SD", "SS"})
REVERSE_MAX_KM = 10.0

_CODE = re.compile(r"^(GM\d{4}|WK\d{6}|BU\d{8})$", re.IGNORECASE | re.ASCII)
_POSTCODE = re.compile(
    r"^(?P<pc4>\d{4})\s*(?P<letters>[A-Za-z]{2})?(?![A-Za-z0-9])[\s,]*(?P<rest>.*)$", re.ASCII
)
# Bounds the work for a short prefix; the ranking looks at this many candidates at most.
_SUGGESTION_SCAN_LIMIT = 5000


@dataclass(frozen=True, slots=True)
class Match:
    area: Area
    kind: Kind  # what the text was: pc6 for a full postcode that resolved through its PC4


def find(index: GazetteerIndex, text: str) -> list[Match]:
    """Every area the text can mean, best first; raises PlaceNotFound when there is none."""
    text = " ".join(str(text or "").split())
    if not text:
        raise errors.empty()
    if len(text) > MAX_QUERY_LENGTH:
        raise errors.unknown_name(text[:40] + "…")
    if _CODE.match(text):
        area = index.by_code.get(text.upper())
        if area is None:
            raise errors.unknown_code(text.upper())
        return [Match(area, area.kind)]
    if text[0].isdigit():
        return _postcode(index, text)
    return [Match(area, area.kind) for area in _by_name(index, text)]


def find_one(index: GazetteerIndex, text: str) -> Match:
    """The one area the text means; raises PlaceNotFound when it means none or several."""
    matches = find(index, text)
    best = [m for m in matches if m.area.rank == matches[0].area.rank]
    if len(best) == 1:
        return best[0]
    # A place's own name beats another's former name ("Mijdrecht" is a district, and what
    # CBS now calls a neighbouring one).
    words = f" {fold(text)} "
    named = [m for m in best if f" {fold(m.area.name)} " in words]
    if len(named) == 1:
        return named[0]
    # Brugwerk's own region decides between namesakes, as a viewbox does for Nominatim:
    # "Schilderswijk" is Den Haag's, not Lisse's. Two in the region stay ambiguous.
    preferred = conf.preferred_municipalities()
    local = [m for m in (named or best) if m.area.municipality.code in preferred]
    if len(local) == 1:
        return local[0]
    raise errors.ambiguous(" ".join(str(text).split()), [m.area.label for m in best])


def nearest(
    index: GazetteerIndex, lat: float, lon: float, *, max_km: float = REVERSE_MAX_KM, count: int = 1
) -> list[Hit[Area]]:
    if not (_finite(lat) and _finite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise errors.invalid_point()
    hits = index.nearest(lat, lon, max_km=max_km, count=count)
    if not hits:
        raise errors.out_of_range(max_km)
    return hits


def suggest(index: GazetteerIndex, text: str, *, limit: int = 10) -> list[Area]:
    """Areas whose name (or a word in it) starts with the text, for autocomplete.

    Order: exact names, then names that start with the text, then names with a word that does;
    within each, the preferred region (Haaglanden), larger units, shorter names. A municipality
    before or after the text ("den haag schild") narrows the search to it.
    """
    text = " ".join((text or "").split())[:MAX_QUERY_LENGTH]
    if text[:1].isdigit():
        return _suggest_postcodes(index, text, limit)
    folded = fold(text)
    if len(folded) < 2:
        return []
    scores = _scan(index, folded, frozenset())
    scope, rest = _split_qualifier(index, folded)
    if scope:
        for position, score in _scan(index, rest, scope).items():
            scores[position] = min(score, scores.get(position, score))
    found: dict[str, Area] = {}
    for position, _ in sorted(scores.items(), key=lambda item: item[1]):
        area = index.suggestible[position]
        # A district and its namesake neighbourhood look the same in a list: offer the first.
        found.setdefault(area.label, area)
        if len(found) == limit:
            break
    return list(found.values())


def _scan(index: GazetteerIndex, folded: str, scope: frozenset[str]) -> dict[int, tuple]:
    preferred = conf.preferred_municipalities()
    scores: dict[int, tuple] = {}
    start = bisect_left(index.prefix_keys, (folded,))
    for key, position, whole in index.prefix_keys[start : start + _SUGGESTION_SCAN_LIMIT]:
        if not key.startswith(folded):
            break
        area = index.suggestible[position]
        if scope and not (scope & area.within):
            continue
        quality = (0 if key == folded else 1) if whole else 2
        score = (
            quality,
            area.municipality.code not in preferred,
            area.rank,
            len(area.name),
            area.label,
        )
        if position not in scores or score < scores[position]:
            scores[position] = score
    return scores


def _postcode(index: GazetteerIndex, text: str) -> list[Match]:
    match = _POSTCODE.match(text)
    if match is None:
        return _name_or_malformed(index, text)
    pc4, letters, rest = match["pc4"], (match["letters"] or "").upper(), match["rest"]
    if pc4[0] == "0" or letters in UNUSED_LETTERS:
        raise errors.malformed_postcode(text)
    if rest:
        rest_areas = _name_or_none(index, rest)
        if rest_areas is None:
            return _name_or_malformed(index, text)
    area = index.postcodes.get(pc4)
    if area is None:
        raise errors.unknown_postcode(pc4)
    if rest and not any(a.within & area.within for a in rest_areas):
        raise errors.postcode_mismatch(pc4, area.municipality.name, rest_areas[0].label)
    return [Match(area, Kind.PC6 if letters else Kind.PC4)]


def _name_or_malformed(index: GazetteerIndex, text: str) -> list[Match]:
    """Text that starts with a digit: a name such as "1e Kruisdiep", or a broken postcode."""
    areas = _name_or_none(index, text)
    if areas is None:
        raise errors.malformed_postcode(text)
    return [Match(area, area.kind) for area in areas]


def _name_or_none(index: GazetteerIndex, text: str) -> list[Area] | None:
    try:
        return _by_name(index, text)
    except errors.PlaceNotFound:
        return None


def _by_name(index: GazetteerIndex, text: str) -> list[Area]:
    folded = fold(text)
    if not folded:
        raise errors.unknown_name(text)
    areas: list[Area] = []
    if folded.startswith("gemeente "):
        rest = folded.removeprefix("gemeente ")
        areas = [a for a in index.by_name.get(rest, ()) if a.kind is Kind.MUNICIPALITY]
    if not areas:
        areas = list(index.by_name.get(folded, ()))
    if not areas:
        areas = _qualified(index, folded)
    if not areas:
        raise errors.unknown_name(text)
    unique = list({id(area): area for area in areas}.values())
    preferred = conf.preferred_municipalities()
    return sorted(unique, key=lambda a: (a.rank, a.municipality.code not in preferred, a.label))


def _qualified(index: GazetteerIndex, folded: str) -> list[Area]:
    """ "den haag schilderswijk" and "schilderswijk den haag": split off a municipality."""
    words = folded.split()
    found: list[Area] = []
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        for qualifier, name in ((head, tail), (tail, head)):
            for code in index.municipality_codes.get(qualifier, ()):
                found.extend(index.names_within.get((code, name), ()))
    return found


def _split_qualifier(index: GazetteerIndex, folded: str) -> tuple[frozenset[str], str]:
    """For autocomplete: "den haag schild" → ({GM0518}, "schild")."""
    words = folded.split()
    for cut in range(len(words) - 1, 0, -1):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if head in index.municipality_codes:
            return frozenset(index.municipality_codes[head]), tail
        if tail in index.municipality_codes:
            return frozenset(index.municipality_codes[tail]), head
    return frozenset(), folded


def _suggest_postcodes(index: GazetteerIndex, text: str, limit: int) -> list[Area]:
    digits = text.replace(" ", "")[:4]
    if not digits.isdigit():
        return []
    start = bisect_left(index.postcode_codes, digits)
    codes = index.postcode_codes[start : start + limit]
    return [index.postcodes[code] for code in codes if code.startswith(digits)]


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)
