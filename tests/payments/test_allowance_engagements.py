"""Agreeing an allowance rate above the legal hourly guideline needs a recorded reason: when a
partner accepts an invitation and when a coordinator books an offer (service and page)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.errors import DomainError
from marketplace.services import engagements as services
from tests.marketplace.engagement_factories import InvitationFactory, OfferFactory, build_world
from tests.marketplace.test_engagements_urlconf import URLCONF
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF), pytest.mark.usefixtures("taxonomy")]


@pytest.fixture
def world():
    return build_world()


def _invite(world, partner):
    return InvitationFactory(
        request=world.support_request, partner=partner, invited_by=world.coordinator
    )


def test_accepting_at_the_guideline_needs_no_reason(world):
    engagement = services.invitation_accept(actor=world.a.user, invitation=_invite(world, world.a))
    assert engagement.hourly_rate == Decimal("5.75")
    assert engagement.rate_above_cap_reason == ""


def test_accepting_above_the_guideline_needs_a_reason_that_is_recorded(world):
    invitation = _invite(world, world.a)
    with pytest.raises(DomainError) as refused:
        services.invitation_accept(
            actor=world.a.user, invitation=invitation, hourly_rate=Decimal("9.00")
        )
    assert refused.value.field == "rate_above_cap_reason"
    assert "€9.00 per hour is above the volunteer allowance guideline" in refused.value.message

    engagement = services.invitation_accept(
        actor=world.a.user,
        invitation=invitation,
        hourly_rate=Decimal("9.00"),
        rate_above_cap_reason="Travel to three districts",
    )
    assert engagement.rate_above_cap_reason == "Travel to three districts"


def test_invoiced_partners_need_no_reason(world):
    engagement = services.invitation_accept(
        actor=world.mzo_admin, invitation=_invite(world, world.dispatched)
    )
    assert engagement.hourly_rate == Decimal("40.00")
    assert engagement.rate_above_cap_reason == ""


def test_booking_above_the_guideline_needs_a_reason(world):
    offer = OfferFactory(partner=world.a)  # €100 for 3 hours = €33.33 an hour
    start = timezone.localdate() + timedelta(days=7)
    with pytest.raises(DomainError) as refused:
        services.offer_book(
            actor=world.coordinator, offer=offer, period_start=start, period_end=start
        )
    assert refused.value.field == "rate_above_cap_reason"
    engagement = services.offer_book(
        actor=world.coordinator,
        offer=offer,
        period_start=start,
        period_end=start,
        rate_above_cap_reason="A prepared session for a team",
    )
    assert engagement.rate_above_cap_reason == "A prepared session for a team"


def test_the_accept_page_asks_for_the_reason_and_shows_the_refusal(client, world):
    world.a.hourly_rate = Decimal("8.00")
    world.a.save(update_fields=["hourly_rate"])
    invitation = _invite(world, world.a)
    client.force_login(world.a.user)
    page = client.get(f"/engagements/invitations/{invitation.pk}/")
    assert "Reason for a rate above the allowance guideline" in page.content.decode()

    refused = client.post(f"/engagements/invitations/{invitation.pk}/accept/", follow=True)
    assert "above the volunteer allowance guideline" in refused.content.decode()

    accepted = client.post(
        f"/engagements/invitations/{invitation.pk}/accept/",
        {"rate_above_cap_reason": "Interpreting in Tigrinya"},
    )
    assert accepted.status_code == 302
    assert invitation.partner.engagements.get().rate_above_cap_reason == "Interpreting in Tigrinya"
