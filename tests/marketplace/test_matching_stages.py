"""Ranking in stages gives exactly the ranking of scoring every candidate, while loading few:
the outline's upper bound is never below the full candidate's score."""

import random
from dataclasses import replace
from decimal import Decimal

import pytest

from marketplace.matching.engine import (
    BASIC,
    DEFAULT_WEIGHTS,
    FLUENT,
    NATIVE,
    NEAR_RING_KM,
    Candidate,
    Need,
    Outline,
    excluded_because,
    outline_excluded,
    rank,
    rank_in_stages,
    score,
    upper_bound,
)

HERE, NEXT_DOOR, ELSEWHERE = "BU01", "BU02", "BU99"
DISTRICT = "WK01"


def _need(rng: random.Random) -> Need:
    return Need(
        expertise="bridging",
        required_languages={"ti": rng.choice([BASIC, FLUENT])},
        preferred_languages=frozenset(rng.sample(["ar", "am"], rng.randint(0, 2))),
        community=rng.choice([None, "eritrean"]),
        neighbourhood=HERE,
        district=DISTRICT,
        lat=52.07,
        lon=4.30,
        mode=rng.choice(["in_person", "online", "either"]),
        hours=Decimal(rng.choice([2, 8, 20])),
    )


def _world(rng: random.Random, need: Need, size: int) -> list[tuple[Candidate, Outline]]:
    """Candidates as the database's prefilter leaves them (kind of work and required languages
    met), each with the outline the first query would give."""
    pairs = []
    for pid in range(1, size + 1):
        here = rng.random() < 0.05
        district = here or rng.random() < 0.1
        served_km = None if rng.random() < 0.05 else rng.uniform(0, 40)
        base_km = None if rng.random() < 0.1 else rng.uniform(0, 40)
        nearest = [km for km in (served_km, base_km) if km is not None]
        candidate = Candidate(
            partner_id=pid,
            listed=True,
            expertise=frozenset(
                {"bridging", *rng.sample(["interview", "training", "consult"], rng.randint(0, 3))}
            ),
            languages={
                "ti": rng.choice([need.required_languages["ti"], NATIVE]),
                **{
                    code: rng.choice([BASIC, NATIVE]) for code in ("ar", "am") if rng.random() < 0.4
                },
            },
            communities=frozenset({"eritrean"}) if rng.random() < 0.3 else frozenset(),
            serves=frozenset({HERE}) if here else frozenset({NEXT_DOOR}),
            serves_districts=frozenset({DISTRICT}) if district else frozenset(),
            distance_km=min(nearest) if nearest else None,
            base_km=base_km,
            travel_radius_km=rng.choice([3, 10, 25]),
            in_person=rng.random() < 0.9,
            online=rng.random() < 0.4,
            hours_free=Decimal(rng.randint(0, 60)),
            completed=rng.choice([0, 0, 1, 4, 12]),
            on_time_ratio=rng.choice([1.0, 0.5, 0.9]),
            feedback=rng.choice([None, 2.0, 4.5, 5.0]),
            recent_engagements=rng.choice([0, 0, 0, 1, 2, 5]),
        )
        if served_km is None:
            at_least = 0.0  # no point known for what they serve
        else:
            at_least = served_km if served_km <= NEAR_RING_KM else NEAR_RING_KM
        outline = Outline(
            partner_id=pid,
            serves_here=here,
            serves_district=district,
            served_km_at_least=at_least,
            base_km=base_km,
            travel_radius_km=candidate.travel_radius_km,
            in_person=candidate.in_person,
            online=candidate.online,
            hours_free=candidate.hours_free,
            expertise_count=len(candidate.expertise),
            recent_engagements=candidate.recent_engagements,
            completed=candidate.completed,
            on_time_ratio=candidate.on_time_ratio,
            feedback=candidate.feedback,
        )
        reaches_without_base = here or (need.mode != "in_person" and candidate.online)
        if base_km is None and not reaches_without_base:
            continue  # the prefilter measures the travel radius from the home base only
        pairs.append((candidate, outline))
    return pairs


def _staged(need, pairs, **kwargs):
    by_id = {c.partner_id: c for c, _ in pairs}
    loaded = []

    def load(ids):
        loaded.extend(ids)
        return [by_id[pid] for pid in ids]

    proposals = rank_in_stages(need, [o for _, o in pairs], load, **kwargs)
    return proposals, loaded


@pytest.mark.parametrize("seed", range(60))
def test_staged_ranking_equals_scoring_everyone(seed):
    rng = random.Random(seed)
    need = _need(rng)
    pairs = _world(rng, need, size=rng.choice([0, 5, 40, 400]))
    weights = {"fairness": rng.choice([0.0, 0.25, 0.6])}

    everyone = rank(need, [c for c, _ in pairs], weights=weights)
    staged, _ = _staged(need, pairs, weights=weights, batch=rng.choice([1, 7, 25]))

    assert staged == everyone


@pytest.mark.parametrize("seed", range(20))
def test_the_outline_decides_the_same_hard_filters_and_bounds_the_score(seed):
    rng = random.Random(seed)
    need = _need(rng)
    pairs = _world(rng, need, size=200)
    pool = max((c.recent_engagements for c, _ in pairs), default=0)
    for candidate, outline in pairs:
        assert (excluded_because(need, candidate) is None) == (
            outline_excluded(need, outline) is None
        )
        bound = upper_bound(need, outline, weights=DEFAULT_WEIGHTS, pool_recent=pool)
        assert score(need, candidate, weights=DEFAULT_WEIGHTS, pool_recent=pool)[0] <= bound


def test_far_partners_are_never_loaded():
    rng = random.Random(3)
    need = replace(_need(rng), mode="in_person", community=None, preferred_languages=frozenset())
    pairs = _world(rng, need, size=1000)

    staged, loaded = _staged(need, pairs, batch=25)

    eligible = [c for c, _ in pairs if excluded_because(need, c) is None]
    assert len(staged) == 10 and len(eligible) > 150
    assert len(loaded) <= 100  # a few batches, not the hundreds that qualify


def test_nothing_is_loaded_when_no_outline_qualifies():
    rng = random.Random(5)
    need = replace(_need(rng), hours=Decimal("1000"))  # nobody has that many hours free

    staged, loaded = _staged(need, _world(rng, need, size=50))

    assert staged == [] and loaded == []
