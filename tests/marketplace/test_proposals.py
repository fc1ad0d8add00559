"""Proposals from the database: hard filters in SQL, scoring by the engine, stored runs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.engagement_selectors import latest_proposals
from marketplace.errors import Conflict, PermissionDenied
from marketplace.matching.services import proposals_create
from marketplace.models import AuditEntry, Engagement, Invitation, InvitationStatus, Proposal, Role
from partners.models import Expertise, Language, PartnerLanguage, Proficiency
from tests.factories import MembershipFactory, UserFactory
from tests.partners.factories import KeyPersonProfileFactory
from tests.requests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db


def _partner(name, *, languages, neighbourhoods=(), base=None, **fields):
    fields.setdefault("hours_per_month", 20)
    profile = KeyPersonProfileFactory(
        display_name=name,
        expertise=["explaining-system"],
        neighbourhoods=list(neighbourhoods),
        base_neighbourhood=base,
        **fields,
    )
    for code, level in languages:
        PartnerLanguage.objects.create(
            profile=profile, language=Language.objects.get(code=code), proficiency=level
        )
    return profile


@pytest.fixture
def tigrinya_request(places):
    return SupportRequestFactory(languages=["ti"], neighbourhood=places.schilders_west)


def test_proposals_rank_explain_and_are_stored(places, tigrinya_request):
    coordinator = tigrinya_request.created_by
    mebrat = _partner(
        "Mebrat", languages=[("ti", Proficiency.NATIVE)], neighbourhoods=[places.schilders_west]
    )
    selam = _partner(
        "Selam",
        languages=[("ti", Proficiency.FLUENT)],
        neighbourhoods=[places.transvaal_noord],
        base=places.transvaal_noord,
    )
    _partner(
        "Dutch only", languages=[("nl", Proficiency.NATIVE)], neighbourhoods=[places.schilders_west]
    )
    _partner(
        "Tigrinya in Delft",
        languages=[("ti", Proficiency.NATIVE)],
        neighbourhoods=[places.delft_centrum],
        base=places.delft_centrum,
        travel_radius_km=3,
    )
    _partner(
        "Unverified",
        languages=[("ti", Proficiency.NATIVE)],
        neighbourhoods=[places.schilders_west],
        verification_status="pending",
    )

    proposals = proposals_create(actor=coordinator, request=tigrinya_request)

    assert [p.partner for p in proposals] == [mebrat, selam]
    assert proposals[0].explanation.startswith(
        "speaks Tigrinya (native); active in Schildersbuurt-West"
    )
    assert list(latest_proposals(tigrinya_request)) == proposals
    assert AuditEntry.objects.filter(action="request.proposed").count() == 1


def test_a_partner_who_declined_is_not_proposed_again(places, tigrinya_request):
    coordinator = tigrinya_request.created_by
    mebrat = _partner(
        "Mebrat", languages=[("ti", Proficiency.NATIVE)], neighbourhoods=[places.schilders_west]
    )
    Invitation.objects.create(
        request=tigrinya_request,
        partner=mebrat,
        invited_by=coordinator,
        status=InvitationStatus.DECLINED,
        respond_before=timezone.now() + timedelta(days=2),
    )

    assert proposals_create(actor=coordinator, request=tigrinya_request) == []


def test_capacity_counts_hours_already_promised(places, tigrinya_request):
    coordinator = tigrinya_request.created_by
    busy = _partner(
        "Busy",
        languages=[("ti", Proficiency.NATIVE)],
        neighbourhoods=[places.schilders_west],
        hours_per_month=4,
    )
    Engagement.objects.create(
        organisation=tigrinya_request.organisation,
        partner=busy,
        offer=None,
        request=SupportRequestFactory(status="filled"),
        activity=Expertise.objects.get(code="explaining-system"),
        hourly_rate=Decimal("5"),
        max_hours=Decimal("30"),
        period_start=tigrinya_request.period_start,
        period_end=tigrinya_request.period_end,
        compensation_mode="allowance",
        created_by=coordinator,
    )

    assert proposals_create(actor=coordinator, request=tigrinya_request) == []


def test_only_the_requesting_organisation_may_propose(places, tigrinya_request):
    outsider = MembershipFactory(role=Role.COORDINATOR).user

    with pytest.raises(PermissionDenied):
        proposals_create(actor=outsider, request=tigrinya_request)
    with pytest.raises(PermissionDenied):
        proposals_create(actor=UserFactory(), request=tigrinya_request)
    assert not Proposal.objects.exists()


def test_a_request_that_is_not_open_gets_no_proposals(places):
    request = SupportRequestFactory(status="draft")

    with pytest.raises(Conflict):
        proposals_create(actor=request.created_by, request=request)


def test_rematching_makes_a_new_run(places, tigrinya_request):
    coordinator = tigrinya_request.created_by
    _partner(
        "Mebrat", languages=[("ti", Proficiency.NATIVE)], neighbourhoods=[places.schilders_west]
    )

    first = proposals_create(actor=coordinator, request=tigrinya_request)
    second = proposals_create(actor=coordinator, request=tigrinya_request)

    assert first[0].run != second[0].run
    assert list(latest_proposals(tigrinya_request)) == second
