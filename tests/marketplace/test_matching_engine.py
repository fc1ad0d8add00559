"""Scenario suite for the pure matching engine: hand-built cases with expected rankings."""

import random
from collections import Counter, deque
from dataclasses import replace
from decimal import Decimal

import pytest

from marketplace.matching.engine import (
    BASIC,
    FLUENT,
    NATIVE,
    Candidate,
    Need,
    excluded_because,
    rank,
)

SCHILDERS = "BU05182915"
SCHILDERS_NOORD = "BU05182916"
DISTRICT = "WK051829"

TIGRINYA_NEED = Need(
    expertise="bridging",
    required_languages={"ti": BASIC},
    neighbourhood=SCHILDERS,
    district=DISTRICT,
    lat=52.0705,
    lon=4.2985,
    hours=Decimal("10"),
    language_names={"ti": "Tigrinya"},
    neighbourhood_name="Schildersbuurt-West",
)


def partner(pid: int, **changes) -> Candidate:
    base = Candidate(
        partner_id=pid,
        listed=True,
        expertise=frozenset({"bridging"}),
        languages={"ti": NATIVE},
        serves=frozenset({SCHILDERS}),
        serves_districts=frozenset({DISTRICT}),
        distance_km=0.3,
        travel_radius_km=5,
        hours_free=Decimal("16"),
    )
    return replace(base, **changes)


def ids(proposals) -> list[int]:
    return [p.partner_id for p in proposals]


def test_tigrinya_speaker_next_door_outranks_dutch_only_partner_in_the_same_street():
    tigrinya_next_door = partner(1, serves=frozenset({SCHILDERS_NOORD}), distance_km=0.6)
    dutch_same_street = partner(2, languages={"nl": NATIVE}, distance_km=0.05)

    proposals = rank(TIGRINYA_NEED, [dutch_same_street, tigrinya_next_door])

    assert ids(proposals) == [1]
    assert excluded_because(TIGRINYA_NEED, dutch_same_street) == (
        "does not speak ti at the needed level"
    )


def test_native_outranks_fluent_outranks_basic():
    candidates = [
        partner(1, languages={"ti": BASIC}),
        partner(2, languages={"ti": NATIVE}),
        partner(3, languages={"ti": FLUENT}),
    ]

    assert ids(rank(TIGRINYA_NEED, candidates)) == [2, 3, 1]


def test_required_level_is_a_hard_filter():
    need = replace(TIGRINYA_NEED, required_languages={"ti": FLUENT})

    assert ids(rank(need, [partner(1, languages={"ti": BASIC}), partner(2)])) == [2]


def test_online_request_ignores_distance():
    need = replace(TIGRINYA_NEED, mode="online")
    far_online = partner(
        1,
        online=True,
        in_person=False,
        serves=frozenset(),
        serves_districts=frozenset(),
        distance_km=150,
    )
    near_offline = partner(2, online=False)

    proposals = rank(need, [near_offline, far_online])

    assert ids(proposals) == [1]
    assert proposals[0].components["nearness"] == 1.0
    assert "works online" in proposals[0].explanation


def test_in_person_needs_the_neighbourhood_or_the_travel_radius():
    out_of_reach = partner(
        1, serves=frozenset(), serves_districts=frozenset(), distance_km=12, travel_radius_km=5
    )
    within_radius = partner(
        2, serves=frozenset(), serves_districts=frozenset(), distance_km=4, travel_radius_km=5
    )

    assert ids(rank(TIGRINYA_NEED, [out_of_reach, within_radius])) == [2]


def test_exact_neighbourhood_beats_same_district_beats_distance():
    exact = partner(1)
    district = partner(2, serves=frozenset({SCHILDERS_NOORD}), distance_km=0.8)
    radius = partner(3, serves=frozenset(), serves_districts=frozenset(), distance_km=2.5)

    assert ids(rank(TIGRINYA_NEED, [radius, district, exact])) == [1, 2, 3]


def test_partner_at_capacity_is_not_proposed():
    full = partner(1, hours_free=Decimal("4"))

    assert rank(TIGRINYA_NEED, [full]) == []
    assert excluded_because(TIGRINYA_NEED, full) == "no capacity left in the period"


def test_unverified_or_unpublished_partner_is_never_proposed():
    assert rank(TIGRINYA_NEED, [partner(1, listed=False)]) == []


def test_declined_partner_and_wrong_expertise_are_left_out():
    assert (
        rank(
            TIGRINYA_NEED,
            [partner(1, declined=True), partner(2, expertise=frozenset({"training"}))],
        )
        == []
    )


def test_community_and_preferred_language_add_to_the_score():
    need = replace(TIGRINYA_NEED, community="eritrean", preferred_languages=frozenset({"am"}))
    plain = partner(1)
    community = partner(2, communities=frozenset({"eritrean"}))
    both = partner(3, communities=frozenset({"eritrean"}), languages={"ti": NATIVE, "am": FLUENT})

    assert ids(rank(need, [plain, community, both])) == [3, 2, 1]


def test_fairness_lowers_the_score_of_the_busiest_partners():
    busy = partner(1, recent_engagements=8, completed=8, feedback=5.0)
    fresh = partner(2)

    assert ids(rank(TIGRINYA_NEED, [busy, fresh])) == [2, 1]
    assert ids(rank(TIGRINYA_NEED, [busy, fresh], weights={"fairness": 0})) == [1, 2]


def test_ties_break_deterministically():
    twins = [partner(7), partner(3), partner(5)]

    assert ids(rank(TIGRINYA_NEED, twins)) == [3, 5, 7]
    assert ids(rank(TIGRINYA_NEED, list(reversed(twins)))) == [3, 5, 7]


def test_explanation_says_why_in_plain_words():
    proposal = rank(
        TIGRINYA_NEED, [partner(1, completed=3, feedback=4.5, hours_free=Decimal("14"))]
    )[0]

    assert proposal.explanation == (
        "speaks Tigrinya (native); active in Schildersbuurt-West, 0.3 km; 14 h free in the "
        "period; 3 earlier engagements with good feedback"
    )
    assert set(proposal.components) == {
        "language",
        "community",
        "expertise",
        "nearness",
        "capacity",
        "track",
        "fairness",
    }


def test_unknown_weights_are_refused():
    with pytest.raises(ValueError):
        rank(TIGRINYA_NEED, [partner(1)], weights={"charisma": 1})


def _simulate(fairness_weight: float, requests: int = 1000, seed: int = 7) -> float:
    """Share of engagements won by the top 10% of partners when the first proposal wins."""
    rng = random.Random(seed)
    pool = [
        partner(
            pid,
            languages={"ti": rng.choice([NATIVE, NATIVE, FLUENT, BASIC])},
            distance_km=rng.uniform(0.1, 4),
            completed=rng.randint(0, 6),
            feedback=rng.choice([None, 3.5, 4.0, 4.5, 5.0]),
            hours_free=Decimal("200"),
        )
        for pid in range(1, 101)
    ]
    wins: Counter = Counter()
    recent: deque = deque(maxlen=200)  # "recent" = the last 200 engagements
    for _ in range(requests):
        proposals = rank(TIGRINYA_NEED, pool, weights={"fairness": fairness_weight}, limit=1)
        winner = proposals[0].partner_id
        wins[winner] += 1
        recent.append(winner)
        counts = Counter(recent)
        pool = [replace(c, recent_engagements=counts[c.partner_id]) for c in pool]
    top = sum(n for _, n in wins.most_common(len(pool) // 10))
    return top / requests


def test_fairness_spreads_work_over_the_community():
    without = _simulate(fairness_weight=0.0)
    with_fairness = _simulate(fairness_weight=0.25)
    print(
        f"top-10% share of 1,000 engagements: without fairness {without:.0%}, "
        f"with fairness {with_fairness:.0%}"
    )

    assert without > 0.9  # the same partner wins nearly everything
    assert with_fairness < without / 2


def test_explanation_follows_the_active_language():
    from django.utils import translation

    with translation.override("nl"):
        proposal = rank(TIGRINYA_NEED, [partner(1)])[0]

    assert proposal.explanation.startswith("spreekt Tigrinya (moedertaal); actief in ")
