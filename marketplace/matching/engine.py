"""The matching engine: pure functions from a need and candidates to ranked, explained proposals.

No database here, so every rule can be tested with hand-built cases and the same code scores
100,000 candidates in a benchmark. `marketplace.matching.selectors` turns ORM rows into these
dataclasses after the database has applied the cheap hard filters.

Hard filters (a candidate failing one is never proposed):
  listed (published and verified) · offers the kind of work · speaks every required language at
  the needed level · in person only if they serve the neighbourhood or it lies within the
  travel radius of their home base (online requests ignore distance) · capacity left in the
  period · has not declined this request.

Score: a weighted sum of components, each in [0, 1] (weights in settings.MATCHING_WEIGHTS):
  language   required languages at native > fluent > basic, plus preferred languages spoken
  community  active in the request's community
  expertise  the kind of work, plus related work they also do
  nearness   serves the exact neighbourhood (1) > same district (0.8) > distance decaying
  capacity   free hours relative to the hours asked
  track      completed engagements, on-time hours and care organisations' feedback
  fairness   subtracts: a partner's share of recent engagements lowers the score, so work
             spreads over the community instead of always the same few people.
Ties break on fewer recent engagements, then partner id (deterministic).

Ranking in stages (`rank_in_stages`): the database first returns a cheap outline of every
candidate (what capacity, reach and fairness need, and how near their served neighbourhoods are);
each outline gives an upper bound of the score, and full candidates are loaded best bound first
only until no remaining bound can beat the proposals found. Same result as `rank` over every full
candidate (tests/marketplace/test_matching_stages.py), with a fraction of the loading and scoring.
"""

import heapq
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

NATIVE, FLUENT, BASIC = 3, 2, 1
LEVEL_WORDS = {
    NATIVE: gettext_noop("native"),
    FLUENT: gettext_noop("fluent"),
    BASIC: gettext_noop("basic"),
}

DEFAULT_WEIGHTS = {
    "language": 0.30,
    "community": 0.10,
    "expertise": 0.10,
    "nearness": 0.20,
    "capacity": 0.10,
    "track": 0.10,
    "fairness": 0.25,  # a penalty: multiplied by the partner's recent share, relative to the pool
}
NEAR_HALF_KM = 3.0  # distance at which nearness has halved
# Outlines tell whether a partner serves a neighbourhood this close; beyond it nearness is small.
NEAR_RING_KM = 2 * NEAR_HALF_KM


@dataclass(frozen=True)
class Need:
    expertise: str
    required_languages: dict[str, int]  # ISO code → minimum level
    preferred_languages: frozenset[str] = frozenset()
    community: str | None = None
    neighbourhood: str | None = None  # CBS code
    district: str | None = None
    lat: float | None = None
    lon: float | None = None
    mode: str = "in_person"  # in_person | online | either
    hours: Decimal = Decimal("1")
    language_names: dict[str, str] = field(default_factory=dict)
    neighbourhood_name: str = ""


@dataclass(frozen=True)
class Candidate:
    partner_id: int
    listed: bool
    expertise: frozenset[str]
    languages: dict[str, int]  # ISO code → level
    communities: frozenset[str] = frozenset()
    serves: frozenset[str] = frozenset()  # neighbourhood codes
    serves_districts: frozenset[str] = frozenset()
    distance_km: float | None = None  # nearest of base and served neighbourhoods
    base_km: float | None = None  # from the home base, where the travel radius is measured
    travel_radius_km: float = 0
    in_person: bool = True
    online: bool = False
    hours_free: Decimal = Decimal("0")
    declined: bool = False
    completed: int = 0
    on_time_ratio: float = 1.0
    feedback: float | None = None  # 1..5
    recent_engagements: int = 0
    served_names: dict[str, str] = field(default_factory=dict)


class Outline(NamedTuple):
    """A candidate as far as a cheap query knows them. The database has already checked listing,
    kind of work and required languages; the outline decides the other hard filters exactly and
    bounds the score from above. (A named tuple: thousands are made per request.)"""

    partner_id: int
    serves_here: bool
    serves_district: bool
    served_km_at_least: float  # the nearest served neighbourhood is at least this far (0: unknown)
    # From the home base (None: no base); may be a lower bound once it exceeds both the travel
    # radius and NEAR_RING_KM, as reach and the bound then need no more.
    base_km: float | None
    travel_radius_km: float
    in_person: bool
    online: bool
    hours_free: Decimal
    expertise_count: int = 1
    recent_engagements: int = 0
    completed: int = 0
    on_time_ratio: float = 1.0
    feedback: float | None = None


@dataclass(frozen=True)
class Proposal:
    partner_id: int
    rank: int
    score: float
    components: dict[str, float]
    reasons: list[str]

    @property
    def explanation(self) -> str:
        return "; ".join(self.reasons)


def excluded_because(need: Need, c: Candidate) -> str | None:
    """The first hard filter a candidate fails, in words, or None."""
    if not c.listed:
        return "not published or not verified"
    if need.expertise not in c.expertise:
        return "does not offer this kind of work"
    for code, level in need.required_languages.items():
        if c.languages.get(code, 0) < level:
            return f"does not speak {code} at the needed level"
    excluded = _mode_or_capacity_excluded(need, c, _reaches(need, c))
    if excluded:
        return excluded
    return "declined this request" if c.declined else None


def _mode_or_capacity_excluded(need: Need, c: "Candidate | Outline", reaches: bool) -> str | None:
    if need.mode == "online" and not c.online:
        return "does not work online"
    if need.mode == "in_person" and not (c.in_person and reaches):
        return "does not work in this neighbourhood"
    if need.mode == "either" and not (c.online or (c.in_person and reaches)):
        return "neither online nor in reach"
    if c.hours_free < need.hours:
        return "no capacity left in the period"
    return None


def _reaches(need: Need, c: Candidate) -> bool:
    if need.neighbourhood and need.neighbourhood in c.serves:
        return True
    km = c.base_km if c.base_km is not None else c.distance_km
    return km is not None and km <= c.travel_radius_km


def outline_excluded(need: Need, o: Outline) -> str | None:
    """The hard filters an outline decides (the database decided the others). Without a home
    base only serving the neighbourhood reaches it, as in the database's prefilter."""
    reaches = o.serves_here or (o.base_km is not None and o.base_km <= o.travel_radius_km)
    return _mode_or_capacity_excluded(need, o, reaches)


def _language(need: Need, c: Candidate) -> float:
    required = need.required_languages
    req = sum(c.languages[code] / NATIVE for code in required) / len(required) if required else 1
    preferred = need.preferred_languages
    pref = (
        (sum(min(c.languages.get(code, 0), NATIVE) / NATIVE for code in preferred) / len(preferred))
        if preferred
        else 0
    )
    return 0.8 * req + 0.2 * pref if preferred else req


def _nearness(need: Need, c: Candidate) -> float:
    if need.mode == "online":
        return 1.0  # distance does not matter online
    if need.neighbourhood and need.neighbourhood in c.serves:
        return 1.0
    if need.district and need.district in c.serves_districts:
        return 0.8
    if c.distance_km is None:
        return 0.5 if c.online else 0.0
    return 0.7 * 0.5 ** (c.distance_km / NEAR_HALF_KM)


def _capacity(need: Need, c: "Candidate | Outline") -> float:
    if need.hours <= 0:
        return 1.0
    return min(float(c.hours_free / need.hours) / 3, 1.0)  # three times the ask is plenty


def _expertise(kinds_offered: int) -> float:
    return min(1.0, 0.8 + 0.05 * (kinds_offered - 1))  # related work they also do


def _track(c: "Candidate | Outline") -> float:
    experience = 1 - math.exp(-c.completed / 3)
    feedback = ((c.feedback - 1) / 4) if c.feedback is not None else 0.5
    return 0.4 * experience + 0.3 * c.on_time_ratio + 0.3 * feedback


def components(need: Need, c: Candidate, *, pool_recent: int) -> dict[str, float]:
    return {
        "language": _language(need, c),
        "community": 1.0
        if need.community and need.community in c.communities
        else (0.5 if not need.community else 0.0),
        "expertise": _expertise(len(c.expertise)),
        "nearness": _nearness(need, c),
        "capacity": _capacity(need, c),
        "track": _track(c),
        # Share of the pool's recent engagements, scaled so the busiest partner gets 1.
        "fairness": (c.recent_engagements / pool_recent) if pool_recent else 0.0,
    }


def weighted(parts: dict[str, float], weights: dict) -> float:
    """The score: weighted components, fairness subtracted."""
    total = sum(weights[k] * v for k, v in parts.items() if k != "fairness")
    return round(total - weights["fairness"] * parts["fairness"], 6)


def score(need: Need, c: Candidate, *, weights: dict, pool_recent: int) -> tuple[float, dict]:
    parts = components(need, c, pool_recent=pool_recent)
    return weighted(parts, weights), {k: round(v, 4) for k, v in parts.items()}


def reasons(need: Need, c: Candidate) -> list[str]:
    """Why this partner, in the active language (Django's gettext needs no database)."""
    words = []
    for code in list(need.required_languages) + sorted(need.preferred_languages):
        if c.languages.get(code):
            words.append(
                _("speaks %(language)s (%(level)s)")
                % {
                    "language": need.language_names.get(code, code),
                    "level": _(LEVEL_WORDS[c.languages[code]]),
                }
            )
    if need.community and need.community in c.communities:
        words.append(_("active in the community"))
    if need.mode == "online":
        words.append(_("works online"))
    elif need.neighbourhood and need.neighbourhood in c.serves:
        place = need.neighbourhood_name or _("the neighbourhood")
        words.append(
            _("active in %(place)s") % {"place": place}
            + (f", {c.distance_km:.1f} km" if c.distance_km is not None else "")
        )
    elif c.distance_km is not None:
        words.append(_("%(km).1f km away") % {"km": c.distance_km})
    words.append(_("%(hours)s h free in the period") % {"hours": _hours(c.hours_free)})
    if not c.completed:
        words.append(_("new on Brugwerk"))
    elif (c.feedback or 0) >= 4:
        words.append(
            ngettext(
                "%(n)d earlier engagement with good feedback",
                "%(n)d earlier engagements with good feedback",
                c.completed,
            )
            % {"n": c.completed}
        )
    else:
        words.append(
            ngettext("%(n)d earlier engagement", "%(n)d earlier engagements", c.completed)
            % {"n": c.completed}
        )
    return words


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


def _weights(weights: dict | None) -> dict:
    unknown = set(weights or {}) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValueError(f"Unknown matching weights: {', '.join(sorted(unknown))}")
    return {**DEFAULT_WEIGHTS, **(weights or {})}


def upper_bound(
    need: Need, o: Outline, *, weights: dict, pool_recent: int, nearness: float | None = None
) -> float:
    """The highest score the full candidate behind `o` can get: the known components exactly,
    the unknown ones at their best (`nearness`: `_nearness_bound`, when known already)."""
    parts = {
        "language": 1.0,
        "community": 1.0 if need.community else 0.5,
        "expertise": _expertise(o.expertise_count),
        "nearness": _nearness_bound(need, o) if nearness is None else nearness,
        "capacity": _capacity(need, o),
        "track": _track(o),
        "fairness": (o.recent_engagements / pool_recent) if pool_recent else 0.0,
    }
    return weighted(parts, weights)


def _nearness_bound(need: Need, o: Outline) -> float:
    """`_nearness` at its best: the distance is the nearer of the home base and the nearest
    served neighbourhood, so it is at least the smaller of the two known lower bounds."""
    if need.mode == "online" or o.serves_here:
        return 1.0
    if o.serves_district:
        return 0.8
    if o.base_km is None:
        best = 0.7 * 0.5 ** (o.served_km_at_least / NEAR_HALF_KM)
        return max(best, 0.5) if o.online else best  # no distance at all gives online 0.5
    return 0.7 * 0.5 ** (min(o.served_km_at_least, o.base_km) / NEAR_HALF_KM)


def _scored(need: Need, c: Candidate, weights: dict, pool_recent: int) -> tuple:
    parts = components(need, c, pool_recent=pool_recent)
    return (-weighted(parts, weights), c.recent_engagements, c.partner_id, c, parts)


def _proposals(need: Need, best: list[tuple]) -> list[Proposal]:
    return [
        Proposal(
            partner_id=c.partner_id,
            rank=i + 1,
            score=-negative,
            components={k: round(v, 4) for k, v in parts.items()},
            reasons=reasons(need, c),
        )
        for i, (negative, _, _, c, parts) in enumerate(best)
    ]


def rank(need: Need, candidates, *, weights: dict | None = None, limit: int = 10) -> list[Proposal]:
    """The top `limit` proposals, best first."""
    weights = _weights(weights)
    eligible = [c for c in candidates if excluded_because(need, c) is None]
    pool_recent = max((c.recent_engagements for c in eligible), default=0)
    # Only the winners need their components rounded and their reasons written.
    scored = [_scored(need, c, weights, pool_recent) for c in eligible]
    return _proposals(need, heapq.nsmallest(limit, scored, key=lambda row: row[:3]))


def rank_in_stages(
    need: Need,
    outlines,
    load,
    *,
    weights: dict | None = None,
    limit: int = 10,
    batch: int = 25,
) -> list[Proposal]:
    """`rank`, loading full candidates (`load(partner ids)`) best upper bound first and only
    while a bound can still beat the `limit`-th proposal found. Partners with nothing near the
    request come last, and are not even bounded one by one when their best case cannot win."""
    weights = _weights(weights)
    eligible = [o for o in outlines if outline_excluded(need, o) is None]
    # The fairness pool is every eligible candidate, loaded or not, exactly as in `rank`.
    pool_recent = max((o.recent_engagements for o in eligible), default=0)
    far_nearness = 0.7 * 0.5 ** (NEAR_RING_KM / NEAR_HALF_KM)
    near, far = [], []  # (nearness bound, outline)
    for o in eligible:
        nearness = _nearness_bound(need, o)
        (near if nearness > far_nearness else far).append((nearness, o))
    best: list[tuple] = []
    for group, ceiling in ((near, None), (far, _best_case(need, far_nearness, weights))):
        if ceiling is not None and len(best) == limit and -best[-1][0] > ceiling:
            break
        bounded = sorted(
            (
                -upper_bound(need, o, weights=weights, pool_recent=pool_recent, nearness=nearness),
                o.partner_id,
            )
            for nearness, o in group
        )
        for start in range(0, len(bounded), batch):
            if len(best) == limit and -best[-1][0] > -bounded[start][0]:
                break  # the worst of the best beats every bound left
            ids = [partner_id for _, partner_id in bounded[start : start + batch]]
            scored = [
                _scored(need, c, weights, pool_recent)
                for c in load(ids)
                if excluded_because(need, c) is None
            ]
            best = heapq.nsmallest(limit, best + scored, key=lambda row: row[:3])
    return _proposals(need, best)


def _best_case(need: Need, nearness: float, weights: dict) -> float:
    """The highest score any candidate with at most this nearness can get."""
    parts = dict.fromkeys(DEFAULT_WEIGHTS, 1.0) | {
        "community": 1.0 if need.community else 0.5,
        "nearness": nearness,
        "fairness": 0.0,
    }
    return weighted(parts, weights)
