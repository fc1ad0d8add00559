"""From the database to the engine: the cheap hard filters run in SQL (listed, kind of work,
required languages, area by bounding box, not declined), then a handful of bulk queries load
what the engine scores. The number of queries does not depend on the number of candidates."""

import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, Func, OuterRef, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from geo.distance import bounding_box
from geo.spatial import KM_PER_DEGREE_LAT, haversine_km
from marketplace.matching.engine import Candidate, Need
from marketplace.models import Engagement, EngagementStatus, Invitation, InvitationStatus
from partners.models import PROFICIENCY_RANK, PartnerLanguage, PartnerProfile
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
    for code, level in need.required_languages.items():
        levels = [p for p, rank in PROFICIENCY_RANK.items() if rank >= level]
        speaks = PartnerLanguage.objects.filter(
            profile_id=OuterRef("pk"), language__code=code, proficiency__in=levels
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


def candidates_for(request: SupportRequest, need: Need) -> list[Candidate]:
    rows = list(
        _prefiltered(request, need).values(
            "pk",
            "travel_radius_km",
            "in_person",
            "online",
            "hours_per_month",
            "base_neighbourhood__lat",
            "base_neighbourhood__lon",
        )
    )
    ids = [row["pk"] for row in rows]
    if not ids:
        return []
    expertise = defaultdict(set)
    for pid, code in PartnerProfile.expertise.through.objects.filter(
        partnerprofile_id__in=ids
    ).values_list("partnerprofile_id", "expertise__code"):
        expertise[pid].add(code)
    # The engine only looks at the request's community and languages: load just those.
    communities = defaultdict(set)
    if need.community:
        for pid in PartnerProfile.communities.through.objects.filter(
            partnerprofile_id__in=ids, community__code=need.community
        ).values_list("partnerprofile_id", flat=True):
            communities[pid].add(need.community)
    languages = defaultdict(dict)
    wanted = set(need.required_languages) | need.preferred_languages
    for pid, code, level in PartnerLanguage.objects.filter(
        profile_id__in=ids, language__code__in=wanted
    ).values_list("profile_id", "language__code", "proficiency"):
        languages[pid][code] = PROFICIENCY_RANK[level]
    serves, districts, nearest = defaultdict(set), defaultdict(set), {}
    for pid, code, district, lat, lon in PartnerNeighbourhoods.objects.filter(
        partnerprofile_id__in=ids
    ).values_list(
        "partnerprofile_id",
        "neighbourhood__code",
        "neighbourhood__district__code",
        "neighbourhood__lat",
        "neighbourhood__lon",
    ):
        serves[pid].add(code)
        districts[pid].add(district)
        if need.lat is not None and lat is not None:
            km = haversine_km(need.lat, need.lon, lat, lon)
            nearest[pid] = min(km, nearest.get(pid, km))
    committed = _committed_hours(ids, request.period_start, request.period_end)
    recent = _recent_engagements(ids)
    track = _track_record(ids)
    months = _months(request.period_start, request.period_end)
    candidates = []
    for row in rows:
        pid = row["pk"]
        distance, base_km = nearest.get(pid), None
        if need.lat is not None and row["base_neighbourhood__lat"] is not None:
            base_km = haversine_km(
                need.lat, need.lon, row["base_neighbourhood__lat"], row["base_neighbourhood__lon"]
            )
            distance = base_km if distance is None else min(distance, base_km)
        completed, rating, on_time = track.get(pid, (0, None, None))
        candidates.append(
            Candidate(
                partner_id=pid,
                listed=True,
                expertise=frozenset(expertise[pid]),
                languages=languages[pid],
                communities=frozenset(communities[pid]),
                serves=frozenset(serves[pid]),
                serves_districts=frozenset(districts[pid]),
                distance_km=distance,
                base_km=base_km,
                travel_radius_km=row["travel_radius_km"],
                in_person=row["in_person"],
                online=row["online"],
                hours_free=(row["hours_per_month"] * months - committed.get(pid, 0)).quantize(
                    Decimal("0.1")
                ),
                completed=completed,
                feedback=rating,
                on_time_ratio=on_time if on_time is not None else 1.0,
                recent_engagements=recent.get(pid, 0),
            )
        )
    return candidates


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
        length = (e_end - e_start).days + 1
        committed[pid] += hours * Decimal(overlap) / Decimal(length)
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
