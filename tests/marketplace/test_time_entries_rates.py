"""Rate cards: the reference rate is set when an engagement is agreed (accepting an invitation,
booking an offer) and an agreed rate below it is flagged "below parity"."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.services import engagements as services
from partners.models import Expertise
from payments.models import RateCard
from payments.rates import parity_percentage, reference_rate_for
from tests.marketplace.engagement_factories import (
    OfferFactory,
    build_world,
    den_haag,
    in_days,
)
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


def rate(year, code="explaining-system", amount="48.00"):
    return RateCard.objects.create(
        municipality=den_haag(),
        year=year,
        expertise=Expertise.objects.get(code=code),
        hourly_rate=Decimal(amount),
    )


def test_reference_rate_for_looks_up_municipality_year_and_kind_of_work():
    card = rate(2026)
    rate(2025, amount="46.00")
    rate(2026, code="bridging", amount="52.00")
    assert reference_rate_for(den_haag(), 2026, card.expertise) == Decimal("48.00")
    assert reference_rate_for(den_haag().pk, 2025, card.expertise.pk) == Decimal("46.00")
    assert reference_rate_for(den_haag(), 2024, card.expertise) is None
    assert reference_rate_for(None, 2026, card.expertise) is None


def test_accepting_an_invitation_keeps_the_reference_rate_and_flags_below_parity():
    world = build_world()
    rate(world.support_request.period_start.year)
    invitation = services.invitation_send(
        actor=world.coordinator,
        request=world.support_request,
        partner=world.a,
        respond_before=in_days(5),
    )
    engagement = services.invitation_accept(
        actor=world.a.user,
        invitation=invitation,
        hourly_rate="36.00",
        rate_above_cap_reason="Ervaringsdeskundige met opleiding.",
    )
    assert engagement.reference_rate == Decimal("48.00")
    assert engagement.below_parity
    assert parity_percentage(engagement.hourly_rate, engagement.reference_rate) == 75


def test_booking_an_offer_uses_the_care_organisations_municipality():
    world = build_world()
    start = timezone.localdate() + timedelta(days=7)
    rate(start.year, amount="30.00")
    offer = OfferFactory(partner=world.a)  # 100 for 3 h: 33.33 an hour
    engagement = services.offer_book(
        actor=world.coordinator,
        offer=offer,
        period_start=start,
        period_end=start + timedelta(days=7),
        rate_above_cap_reason="Ervaringsdeskundige met opleiding.",
    )
    assert engagement.reference_rate == Decimal("30.00")
    assert not engagement.below_parity
    assert parity_percentage(engagement.hourly_rate, engagement.reference_rate) == 111


def test_without_a_rate_card_nothing_is_flagged():
    world = build_world()
    invitation = services.invitation_send(
        actor=world.coordinator,
        request=world.support_request,
        partner=world.a,
        respond_before=in_days(5),
    )
    engagement = services.invitation_accept(actor=world.a.user, invitation=invitation)
    assert engagement.reference_rate is None
    assert not engagement.below_parity
    assert parity_percentage(Decimal("10"), None) is None


def test_one_rate_per_municipality_year_and_kind_of_work():
    rate(2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        rate(2026, amount="50.00")
