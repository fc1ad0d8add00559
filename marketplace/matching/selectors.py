"""From the database to the engine: the cheap hard filters run in SQL (listed, kind of work,
required languages, area by bounding box, not declined). A light query then outlines every
prefiltered partner for the engine's first stage, and a full query loads the few the engine asks
for. The number of queries does not depend on the number of candidates."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, Exists, F, Func, OuterRef, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from geo.distance import bounding_box
from geo.models import Neighbourhood
from geo.spatial import KM_PER_DEGREE_LAT, haversine_km
from marketplace.matching.engine import NEAR_RING_KM, Candidate, Need, Outline
from marketplace.models import Engagement, EngagementStatus, Invitation, InvitationStatus
from partners.models import (
    PROFICIENCY_RANK,
    Community,
    Expertise,
    Language,
    PartnerLanguage,
    PartnerProfile,
)
from requests.models import Mode, Requirement, SupportRequest

PartnerNeighbourhoods = PartnerProfile.neighbourhoods.through


def need_for(request: SupportRequest) -> Need:
    place = request.neighbourhood
    required, preferred, names = {}, set(), {}
    for row in request.languages.all():
        names[row.language.code] = row.language.name
        if row.requirement == Requirement.REQUIRED:
            required[row.language.code] = PROFICIENCY_RANK[row.min_proficiency]
        else:
            preferred.add(row.language.code)
    return Need(
        expertise=request.expertise.code,
        required_languages=required,
        preferred_languages=frozenset(preferred),
        community=request.community.code if request.community_id else None,
        neighbourhood=place.code,
        district=place.district.code,
        lat=place.lat,
        lon=place.lon,
        mode=request.mode,
        hours=request.hours_estimated,
        language_names=names,
        neighbourhood_name=place.name,
    )


def _prefiltered(request: SupportRequest, need: Need):
    """Hard filters in SQL. EXISTS subqueries rather than joins: no duplicate rows to remove,
    and PostgreSQL can use the indexes on the link tables."""
    links = PartnerProfile.expertise.through.objects.filter(
        partnerprofile_id=OuterRef("pk"), expertise_id=request.expertise_id
    )
    qs = PartnerProfile.objects.listed().order_by().filter(Exists(links))
    language_ids = dict(
        Language.objects.filter(code__in=need.required_languages).values_list("code", "pk")
    )
    for code, level in need.required_languages.items():
        levels = [p for p, rank in PROFICIENCY_RANK.items() if rank >= level]
        # By id, not by code through a join: the planner then reads the (language, partner)
        # index in partner order.
        speaks = PartnerLanguage.objects.filter(
            profile_id=OuterRef("pk"), language_id=language_ids.get(code), proficiency__in=levels
        )
        qs = qs.filter(Exists(speaks))
    if need.mode != Mode.ONLINE and need.lat is not None:
        serves = PartnerNeighbourhoods.objects.filter(
            partnerprofile_id=OuterRef("pk"), neighbourhood_id=request.neighbourhood_id
        )
        near = Q(Exists(serves)) | _base_within_own_radius(need)
        qs = qs.filter(near | Q(online=True)) if need.mode == Mode.EITHER else qs.filter(near)
    elif need.mode == Mode.ONLINE:
        qs = qs.filter(online=True)
    declined = Invitation.objects.filter(
        request=request, partner_id=OuterRef("pk"), status=InvitationStatus.DECLINED
    )
    return qs.filter(~Exists(declined))


def _base_within_own_radius(need: Need) -> Q:
    """Home base inside a box of the partner's own travel radius around the request: an indexed
    range on the widest radius, then the per-partner box (cheap to build and to run). The engine
    checks the exact distance."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(
        need.lat, need.lon, settings.MATCHING_MAX_TRAVEL_KM
    )
    km_per_degree_lon = KM_PER_DEGREE_LAT * math.cos(math.radians(need.lat))
    lat_gap = Func(F("base_neighbourhood__lat") - need.lat, function="ABS")
    lon_gap = Func(F("base_neighbourhood__lon") - need.lon, function="ABS")
    return Q(
        LessThanOrEqual(lat_gap * KM_PER_DEGREE_LAT, F("travel_radius_km")),
        LessThanOrEqual(lon_gap * km_per_degree_lon, F("travel_radius_km")),
        base_neighbourhood__lat__range=(min_lat, max_lat),
        base_neighbourhood__lon__range=(min_lon, max_lon),
    )


def _months(start: date, end: date) -> Decimal:
    return Decimal(max((end - start).days + 1, 1)) / Decimal("30.4375")


@dataclass
class _Features:
    """What the engine needs to know about one prefiltered partner, however it was loaded."""

    pk: int
    travel_radius_km: int
    in_person: bool
    online: bool
    hours_per_month: int
    base_lat: float | None
    base_lon: float | None
    expertise: set = field(default_factory=set)
    languages: dict = field(default_factory=dict)
    in_community: bool = False
    serves_here: bool = False
    serves_district: bool = False
    nearest_served_km: float | None = None
    committed: Decimal = Decimal(0)
    recent: int = 0
    completed: int = 0
    rating: float | None = None
    on_time: float | None = None


_PREFILTER_FIELDS = (
    "pk",
    "travel_radius_km",
    "in_person",
    "online",
    "hours_per_month",
    "base_neighbourhood__lat",
    "base_neighbourhood__lon",
)


def outlines_for(request: SupportRequest, need: Need) -> list[Outline]:
    """Every prefiltered partner as an engine outline (the first stage of ranking). On
    PostgreSQL one light query; elsewhere the full bulk load, outlined."""
    months = _months(request.period_start, request.period_end)
    if connection.vendor == "postgresql":
        return _outlines_in_one_query(request, need, months)
    return [_outline(f, need, months) for f in _features_in_bulk(request, need)]


def candidates_for(request: SupportRequest, need: Need, ids=None) -> list[Candidate]:
    """The prefiltered partners (only `ids`, when given) as full engine candidates. On
    PostgreSQL one query returns every feature per partner; elsewhere a few bulk queries do."""
    if connection.vendor == "postgresql":
        features = _features_in_one_query(request, need, ids)
    else:
        features = _features_in_bulk(request, need, ids)
    months = _months(request.period_start, request.period_end)
    return [_candidate(f, need, months) for f in features]


def _base_km(f: _Features, need: Need) -> float | None:
    if need.lat is None or f.base_lat is None:
        return None
    return haversine_km(need.lat, need.lon, f.base_lat, f.base_lon)


def _hours_free(hours_per_month: int, committed: Decimal, months: Decimal) -> Decimal:
    return (hours_per_month * months - committed).quantize(Decimal("0.1"))


def _outline(f: _Features, need: Need, months: Decimal) -> Outline:
    return Outline(
        partner_id=f.pk,
        serves_here=f.serves_here,
        serves_district=f.serves_district,
        served_km_at_least=f.nearest_served_km or 0.0,
        base_km=_base_km(f, need),
        travel_radius_km=f.travel_radius_km,
        in_person=f.in_person,
        online=f.online,
        hours_free=_hours_free(f.hours_per_month, f.committed, months),
        expertise_count=len(f.expertise),
        recent_engagements=f.recent,
        completed=f.completed,
        on_time_ratio=f.on_time if f.on_time is not None else 1.0,
        feedback=f.rating,
    )


def _candidate(f: _Features, need: Need, months: Decimal) -> Candidate:
    distance, base_km = f.nearest_served_km, _base_km(f, need)
    if base_km is not None:
        distance = base_km if distance is None else min(distance, base_km)
    return Candidate(
        partner_id=f.pk,
        listed=True,
        expertise=frozenset(f.expertise),
        languages=f.languages,
        communities=frozenset({need.community}) if f.in_community else frozenset(),
        # The engine only asks whether the request's own neighbourhood and district are served.
        serves=frozenset({need.neighbourhood}) if f.serves_here else frozenset(),
        serves_districts=frozenset({need.district}) if f.serves_district else frozenset(),
        distance_km=distance,
        base_km=base_km,
        travel_radius_km=f.travel_radius_km,
        in_person=f.in_person,
        online=f.online,
        hours_free=_hours_free(f.hours_per_month, f.committed, months),
        completed=f.completed,
        feedback=f.rating,
        on_time_ratio=f.on_time if f.on_time is not None else 1.0,
        recent_engagements=f.recent,
    )


def _prorated(max_hours: Decimal, overlap_days: int, length_days: int) -> Decimal:
    return max_hours * Decimal(overlap_days) / Decimal(length_days)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _engagements_sql() -> str:
    """A LATERAL over the partner's engagements, in one pass: hours promised in the period,
    recent engagements (fairness) and the track record."""
    return f"""
        LEFT JOIN LATERAL (
            SELECT array_agg(
                       g.max_hours::text || ':'
                       || (LEAST(%s::date, g.period_end) - GREATEST(%s::date, g.period_start) + 1)
                       || ':' || (g.period_end - g.period_start + 1)
                   ) FILTER (WHERE g.status = %s
                             AND g.period_start <= %s::date AND g.period_end >= %s::date)
                       AS committed,
                   count(*) FILTER (WHERE g.created_at >= %s) AS recent,
                   count(*) FILTER (WHERE g.status = %s) AS n,
                   (avg(g.feedback_rating) FILTER (WHERE g.status = %s))::float8 AS rating,
                   count(*) FILTER (WHERE g.status = %s AND g.feedback_on_time IS NOT NULL)
                       AS rated_on_time,
                   count(*) FILTER (WHERE g.status = %s AND g.feedback_on_time) AS on_time
            FROM {_table(Engagement)} g
            WHERE g.partner_id = c.id
        ) g ON true
    """  # noqa: S608 - a table name from model metadata; every value is a parameter


def _engagements_params(request: SupportRequest) -> tuple:
    start, end = request.period_start, request.period_end
    since = timezone.now() - timedelta(days=settings.MATCHING_RECENT_DAYS)
    completed = EngagementStatus.COMPLETED
    active = EngagementStatus.ACTIVE
    return (end, start, active, end, start, since, completed, completed, completed, completed)


def _committed(engagements) -> Decimal:
    """Hours promised in the period, from the engagement column ("max:overlap days:length")."""
    committed = Decimal(0)
    for item in engagements or ():
        max_hours, overlap, length = item.split(":")
        committed += _prorated(Decimal(max_hours), int(overlap), int(length))
    return committed


def _features_from_row(row) -> _Features:
    """The prefilter's columns and the engagement columns, which every query ends with."""
    (
        pk, radius, in_person, online, hours, base_lat, base_lon, *_,
        engagements, recent, n, rating, rated, on_time,
    ) = row  # fmt: skip
    return _Features(
        pk=pk,
        travel_radius_km=radius,
        in_person=in_person,
        online=online,
        hours_per_month=hours,
        base_lat=base_lat,
        base_lon=base_lon,
        committed=_committed(engagements),
        recent=recent,
        completed=n,
        rating=float(rating) if rating is not None else None,
        on_time=(on_time / rated) if rated else None,
    )


def _run(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _prefilter_cte(request: SupportRequest, need: Need, ids=None) -> tuple[str, tuple]:
    """The candidates as a CTE: the prefilter, or the given partners the prefilter returned
    (by primary key, instead of running the filters again)."""
    if ids is None:
        queryset = _prefiltered(request, need)
    else:
        queryset = PartnerProfile.objects.filter(pk__in=ids).order_by()
    sql, params = queryset.values(*_PREFILTER_FIELDS).query.sql_with_params()
    return (
        f"WITH cand (id, radius, in_person, online, hours, base_lat, base_lon) AS ({sql})",
        params,
    )


def _district_and_ring(request: SupportRequest, need: Need) -> tuple[set[int], dict[int, float]]:
    """The neighbourhoods of the request's district, and {id: km} of those whose point lies
    within engine.NEAR_RING_KM of the request's (one query)."""
    district_id = request.neighbourhood.district_id
    near = Q(district_id=district_id)
    if need.lat is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(need.lat, need.lon, NEAR_RING_KM)
        near |= Q(lat__range=(min_lat, max_lat), lon__range=(min_lon, max_lon))
    district, ring = set(), {}
    for pk, in_district, lat, lon in Neighbourhood.objects.filter(near).values_list(
        "pk", "district_id", "lat", "lon"
    ):
        if in_district == district_id:
            district.add(pk)
        if need.lat is not None and lat is not None:
            km = haversine_km(need.lat, need.lon, lat, lon)
            if km <= NEAR_RING_KM:
                ring[pk] = km
    return district, ring


def _outlines_in_one_query(request: SupportRequest, need: Need, months: Decimal) -> list[Outline]:
    """The first stage: the prefilter, the served neighbourhoods' ids (one index-only probe)
    and the engagement columns; straight into outlines, as this runs for every candidate."""
    cte, cte_params = _prefilter_cte(request, need)
    here = request.neighbourhood_id
    # The nearest served neighbourhood: exact inside the ring, "beyond the ring" outside it.
    district, ring = _district_and_ring(request, need)
    beyond = NEAR_RING_KM if need.lat is not None else 0.0
    sql = f"""
        {cte}
        SELECT c.id, c.radius, c.in_person, c.online, c.hours, c.base_lat, c.base_lon,
            ARRAY(SELECT z.neighbourhood_id FROM {_table(PartnerNeighbourhoods)} z
                  WHERE z.partnerprofile_id = c.id),
            (SELECT count(*) FROM {_table(PartnerProfile.expertise.through)} x
             WHERE x.partnerprofile_id = c.id),
            g.committed, g.recent, g.n, g.rating, g.rated_on_time, g.on_time
        FROM cand c
        {_engagements_sql()}
    """  # noqa: S608 - table names from model metadata; every value is a parameter
    free_hours = {}  # hours per month → free hours without commitments (most partners)
    outlines = []
    for row in _run(sql, (*cte_params, *_engagements_params(request))):
        (
            pk, radius, in_person, online, hours, base_lat, base_lon, served, kinds,
            committed, recent, completed, rating, rated, on_time,
        ) = row  # fmt: skip
        if committed or hours not in free_hours:
            free = _hours_free(hours, _committed(committed), months)
            if not committed:
                free_hours[hours] = free
        else:
            free = free_hours[hours]
        base_km = None
        if need.lat is not None and base_lat is not None:
            # The latitude gap alone is a lower bound of the distance: enough when it already
            # puts the base beyond both the travel radius and the ring (most of the country).
            base_km = abs(base_lat - need.lat) * KM_PER_DEGREE_LAT
            if base_km <= max(radius, NEAR_RING_KM):
                base_km = haversine_km(need.lat, need.lon, base_lat, base_lon)
        served_km = beyond
        if not ring.keys().isdisjoint(served):
            served_km = min(ring[place] for place in served if place in ring)
        outlines.append(
            Outline(
                pk, here in served, not district.isdisjoint(served), served_km, base_km, radius,
                in_person, online, free, kinds, recent, completed,
                (on_time / rated) if rated else 1.0, rating,
            )
        )  # fmt: skip
    return outlines


def _features_in_one_query(request: SupportRequest, need: Need, ids=None) -> list[_Features]:
    """The given partners (or the prefilter) as a CTE, and per partner correlated look-ups on
    indexed link tables and one pass over the partner's engagements. The nearest served
    neighbourhood comes back as its point so distance is computed exactly as in
    `_features_in_bulk` (geo.spatial.haversine_km)."""
    cte, cte_params = _prefilter_cte(request, need, ids)
    lat = need.lat if need.lat is not None else 0.0
    lon = need.lon if need.lon is not None else 0.0
    wanted = sorted(set(need.required_languages) | need.preferred_languages)
    t = {
        "expertise_link": _table(PartnerProfile.expertise.through),
        "expertise": _table(Expertise),
        "language_link": _table(PartnerLanguage),
        "language": _table(Language),
        "community_link": _table(PartnerProfile.communities.through),
        "community": _table(Community),
        "served_link": _table(PartnerNeighbourhoods),
        "neighbourhood": _table(Neighbourhood),
    }
    sql = f"""
        {cte}
        SELECT c.id, c.radius, c.in_person, c.online, c.hours, c.base_lat, c.base_lon,
            ARRAY(SELECT e.code FROM {t["expertise_link"]} x
                  JOIN {t["expertise"]} e ON e.id = x.expertise_id
                  WHERE x.partnerprofile_id = c.id),
            ARRAY(SELECT l.code || ':' || pl.proficiency FROM {t["language_link"]} pl
                  JOIN {t["language"]} l ON l.id = pl.language_id
                  WHERE pl.profile_id = c.id AND l.code = ANY(%s)),
            EXISTS(SELECT 1 FROM {t["community_link"]} y
                   JOIN {t["community"]} m ON m.id = y.community_id
                   WHERE y.partnerprofile_id = c.id AND m.code = %s),
            s.here, s.district, s.nearest,
            g.committed, g.recent, g.n, g.rating, g.rated_on_time, g.on_time
        FROM cand c
        LEFT JOIN LATERAL (
            SELECT bool_or(n.id = %s) AS here, bool_or(n.district_id = %s) AS district,
                   (array_agg(ARRAY[n.lat, n.lon]
                              ORDER BY (n.lat - %s) ^ 2 + ((n.lon - %s) * %s) ^ 2)
                    FILTER (WHERE n.lat IS NOT NULL))[1:1] AS nearest
            FROM {t["served_link"]} z JOIN {t["neighbourhood"]} n ON n.id = z.neighbourhood_id
            WHERE z.partnerprofile_id = c.id
        ) s ON true
        {_engagements_sql()}
    """  # noqa: S608 - table names from model metadata; every value is a parameter
    params = (
        *cte_params,
        wanted,
        need.community or "",
        request.neighbourhood_id,
        request.neighbourhood.district_id,
        lat,
        lon,
        math.cos(math.radians(lat)),
        *_engagements_params(request),
    )
    features = []
    for row in _run(sql, params):
        f = _features_from_row(row)
        expertise, spoken, in_community, here, district, nearest = row[7:13]
        if nearest and need.lat is not None:
            f.nearest_served_km = haversine_km(need.lat, need.lon, nearest[0][0], nearest[0][1])
        for item in spoken:
            code, level = item.rsplit(":", 1)
            f.languages[code] = PROFICIENCY_RANK[level]
        f.expertise = set(expertise)
        f.in_community = in_community
        f.serves_here, f.serves_district = bool(here), bool(district)
        features.append(f)
    return features


def _features_in_bulk(request: SupportRequest, need: Need, ids=None) -> list[_Features]:
    """Portable loader (SQLite in local mode): the prefilter, then one query per kind of data."""
    prefiltered = _prefiltered(request, need)
    if ids is not None:
        prefiltered = prefiltered.filter(pk__in=ids)
    features = {
        row["pk"]: _Features(
            pk=row["pk"],
            travel_radius_km=row["travel_radius_km"],
            in_person=row["in_person"],
            online=row["online"],
            hours_per_month=row["hours_per_month"],
            base_lat=row["base_neighbourhood__lat"],
            base_lon=row["base_neighbourhood__lon"],
        )
        for row in prefiltered.values(*_PREFILTER_FIELDS)
    }
    ids = list(features)
    if not ids:
        return []
    for pid, code in PartnerProfile.expertise.through.objects.filter(
        partnerprofile_id__in=ids
    ).values_list("partnerprofile_id", "expertise__code"):
        features[pid].expertise.add(code)
    if need.community:
        for pid in PartnerProfile.communities.through.objects.filter(
            partnerprofile_id__in=ids, community__code=need.community
        ).values_list("partnerprofile_id", flat=True):
            features[pid].in_community = True
    wanted = set(need.required_languages) | need.preferred_languages
    for pid, code, level in PartnerLanguage.objects.filter(
        profile_id__in=ids, language__code__in=wanted
    ).values_list("profile_id", "language__code", "proficiency"):
        features[pid].languages[code] = PROFICIENCY_RANK[level]
    for pid, code, district, lat, lon in PartnerNeighbourhoods.objects.filter(
        partnerprofile_id__in=ids
    ).values_list(
        "partnerprofile_id",
        "neighbourhood__code",
        "neighbourhood__district__code",
        "neighbourhood__lat",
        "neighbourhood__lon",
    ):
        f = features[pid]
        f.serves_here = f.serves_here or code == need.neighbourhood
        f.serves_district = f.serves_district or district == need.district
        if need.lat is not None and lat is not None:
            km = haversine_km(need.lat, need.lon, lat, lon)
            if f.nearest_served_km is None or km < f.nearest_served_km:
                f.nearest_served_km = km
    for pid, hours in _committed_hours(ids, request.period_start, request.period_end).items():
        features[pid].committed = hours
    for pid, n in _recent_engagements(ids).items():
        features[pid].recent = n
    for pid, (completed, rating, on_time) in _track_record(ids).items():
        f = features[pid]
        f.completed, f.rating, f.on_time = completed, rating, on_time
    return list(features.values())


def _committed_hours(ids, start: date, end: date) -> dict[int, Decimal]:
    """Hours already promised in active engagements, prorated to the overlap with the period."""
    committed = defaultdict(Decimal)
    for pid, hours, e_start, e_end in Engagement.objects.filter(
        partner_id__in=ids,
        status=EngagementStatus.ACTIVE,
        period_start__lte=end,
        period_end__gte=start,
    ).values_list("partner_id", "max_hours", "period_start", "period_end"):
        overlap = (min(end, e_end) - max(start, e_start)).days + 1
        committed[pid] += _prorated(hours, overlap, (e_end - e_start).days + 1)
    return committed


def _recent_engagements(ids) -> dict[int, int]:
    since = timezone.now() - timedelta(days=settings.MATCHING_RECENT_DAYS)
    return dict(
        Engagement.objects.filter(partner_id__in=ids, created_at__gte=since)
        .values("partner_id")
        .annotate(n=Count("pk"))
        .values_list("partner_id", "n")
    )


def _track_record(ids) -> dict[int, tuple[int, float | None, float | None]]:
    rows = (
        Engagement.objects.filter(partner_id__in=ids, status=EngagementStatus.COMPLETED)
        .values("partner_id")
        .annotate(
            n=Count("pk"),
            rating=Avg("feedback_rating"),
            rated_on_time=Count("pk", filter=Q(feedback_on_time__isnull=False)),
            on_time=Count("pk", filter=Q(feedback_on_time=True)),
        )
    )
    return {
        r["partner_id"]: (
            r["n"],
            float(r["rating"]) if r["rating"] is not None else None,
            (r["on_time"] / r["rated_on_time"]) if r["rated_on_time"] else None,
        )
        for r in rows
    }
