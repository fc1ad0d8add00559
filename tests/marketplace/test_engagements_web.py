"""The pages of the flow, from the outside: the coordinator's proposals page (invite several at
once, propose again, invite from the directory), the partner's invitations (accept, decline),
engagements for both sides, and booking an offer. Another organisation gets 404."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from geo.models import Neighbourhood
from marketplace import engagement_views
from marketplace.models import (
    Engagement,
    EngagementStatus,
    Invitation,
    InvitationStatus,
    Proposal,
)
from marketplace.services import engagements as services
from requests.models import Status
from tests.marketplace.engagement_factories import (
    OfferFactory,
    ProposalFactory,
    build_world,
    in_days,
    other_coordinator,
)
from tests.marketplace.test_engagements_urlconf import URLCONF
from tests.partners.factories import KeyPersonProfileFactory
from tests.requests.conftest import _fast_passwords, places, taxonomy  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF), pytest.mark.usefixtures("taxonomy")]


@pytest.fixture
def world():
    return build_world()


def proposals_url(world) -> str:
    return f"/engagements/requests/{world.support_request.pk}/proposals/"


def send(world, partner):
    return services.invitation_send(
        actor=world.coordinator,
        request=world.support_request,
        partner=partner,
        respond_before=in_days(5),
    )


def texts(response) -> str:
    return response.content.decode()


# --- the coordinator ----------------------------------------------------------------------------


def test_the_proposals_page_shows_ranked_explained_proposals_and_invites_several(client, world):
    first = ProposalFactory(request=world.support_request, partner=world.a, rank=1, score=0.91)
    second = ProposalFactory(
        request=world.support_request,
        partner=world.b,
        run=first.run,
        rank=2,
        score=0.64,
        explanation="speaks Tigrinya (fluent); 1.2 km away",
    )
    client.force_login(world.coordinator)

    page = client.get(proposals_url(world))
    assert page.status_code == 200
    html = texts(page)
    assert html.index("Mebrat") < html.index("Selam")
    assert "Score 0.91" in html and "speaks Tigrinya (fluent); 1.2 km away" in html
    assert f'name="proposals" value="{first.pk}"' in html
    day = (timezone.localdate() + timedelta(days=5)).isoformat()

    response = client.post(
        proposals_url(world),
        {"proposals": [first.pk, second.pk], "respond_before": day, "message": "Welkom!"},
    )

    assert response.status_code == 302
    invitations = Invitation.objects.order_by("partner__display_name")
    assert [(i.partner, i.proposal) for i in invitations] == [
        (world.a, first),
        (world.b, second),
    ]
    assert {timezone.localtime(i.respond_before).date().isoformat() for i in invitations} == {day}
    world.support_request.refresh_from_db()
    assert world.support_request.status == Status.MATCHING
    html = texts(client.get(proposals_url(world)))
    assert "Invited, waiting for an answer" in html
    assert f'name="proposals" value="{first.pk}"' not in html


def test_inviting_without_choosing_anyone_keeps_the_page_with_an_error(client, world):
    ProposalFactory(request=world.support_request, partner=world.a)
    client.force_login(world.coordinator)

    response = client.post(
        proposals_url(world), {"respond_before": timezone.localdate().isoformat()}
    )

    assert response.status_code == 400
    assert "Choose at least one partner to invite." in texts(response)
    assert not Invitation.objects.exists()


def test_another_organisation_and_partners_get_404_on_the_proposals_page(client, world):
    send(world, world.a)
    for user in (other_coordinator(), world.a.user):
        client.force_login(user)
        assert client.get(proposals_url(world)).status_code == 404
        assert (
            client.post(f"/engagements/requests/{world.support_request.pk}/propose/").status_code
            == 404
        )


def test_propose_again_calls_matching_once(client, world, monkeypatch):
    calls = []

    def fake(*, actor, request):
        calls.append((actor, request))
        return [ProposalFactory(request=request, partner=world.b)]

    monkeypatch.setattr(engagement_views, "propose_partners", fake)
    client.force_login(world.coordinator)

    response = client.post(
        f"/engagements/requests/{world.support_request.pk}/propose/", follow=True
    )

    assert calls == [(world.coordinator, world.support_request)]
    assert "1 partner proposed, best match first." in texts(response)


@pytest.mark.usefixtures("places")
def test_propose_stores_a_run_with_the_real_matching_engine(client):
    schilders_west = Neighbourhood.objects.get(code="BU05182915")
    world = build_world()
    fitting = KeyPersonProfileFactory(
        display_name="Hanan",
        expertise=["explaining-system"],
        neighbourhoods=[schilders_west],
        base_neighbourhood=schilders_west,
        hours_per_month=40,
    )
    world.support_request.neighbourhood = schilders_west
    world.support_request.save()
    client.force_login(world.coordinator)

    response = client.post(
        f"/engagements/requests/{world.support_request.pk}/propose/", follow=True
    )

    assert response.status_code == 200
    assert Proposal.objects.filter(request=world.support_request, partner=fitting).exists()
    assert "Hanan" in texts(response)


def test_the_page_says_nobody_accepted_when_every_invitation_ended(client, world):
    invitation = send(world, world.a)
    services.invitation_decline(actor=world.a.user, invitation=invitation, reason="Geen tijd.")
    client.force_login(world.coordinator)

    html = texts(client.get(proposals_url(world)))

    assert "Nobody accepted: propose again." in html
    assert "Geen tijd." in html


def test_invite_someone_from_the_directory_by_link(client, world):
    client.force_login(world.coordinator)
    url = f"/engagements/requests/{world.support_request.pk}/invite/"
    assert f'value="{world.b.pk}"' in texts(client.get(url, {"partner": world.b.pk}))

    bad = client.post(url, {"partner": "9999999", "respond_before": timezone.localdate()})
    assert bad.status_code == 400
    assert "No partner with this number is listed" in texts(bad)

    response = client.post(
        url,
        {
            "partner": f"https://brugwerk.example/partners/{world.b.pk}/",
            "respond_before": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.partner == world.b and invitation.proposal is None
    assert "from the directory" in texts(client.get(proposals_url(world)))


def test_the_coordinator_withdraws_from_the_page(client, world):
    invitation = send(world, world.a)
    client.force_login(world.coordinator)

    response = client.post(f"/engagements/invitations/{invitation.pk}/withdraw/")

    assert response.status_code == 302 and response.url == proposals_url(world)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.WITHDRAWN


# --- the partner --------------------------------------------------------------------------------


def test_the_partner_lists_opens_and_accepts_an_invitation(client, world):
    invitation = send(world, world.a)
    client.force_login(world.a.user)

    listing = texts(client.get("/engagements/invitations/"))
    assert world.support_request.title in listing
    detail = client.get(f"/engagements/invitations/{invitation.pk}/")
    assert detail.status_code == 200
    assert "Accept" in texts(detail) and "Decline" in texts(detail)
    assert world.support_request.internal_notes not in texts(detail)

    response = client.post(f"/engagements/invitations/{invitation.pk}/accept/", follow=True)

    engagement = Engagement.objects.get()
    assert response.redirect_chain[-1][0] == f"/engagements/{engagement.pk}/"
    assert "€ 5.75" in texts(response)


def test_the_partner_declines_with_a_reason_and_personal_data_is_refused(client, world):
    invitation = send(world, world.a)
    client.force_login(world.a.user)
    url = f"/engagements/invitations/{invitation.pk}/decline/"

    refused = client.post(url, {"reason": "Mail naar jan@example.org"})
    assert refused.status_code == 400 and "e-mail address" in texts(refused)

    client.post(url, {"reason": "Geen tijd."})
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert invitation.decline_reason == "Geen tijd."


def test_another_partner_gets_404_for_the_invitation(client, world):
    invitation = send(world, world.a)
    client.force_login(world.b.user)

    assert client.get(f"/engagements/invitations/{invitation.pk}/").status_code == 404
    assert client.post(f"/engagements/invitations/{invitation.pk}/accept/").status_code == 404
    assert "No open invitations." in texts(client.get("/engagements/invitations/"))


def test_the_mzo_admin_sees_the_invitations_of_the_key_person_it_dispatches(client, world):
    send(world, world.dispatched)
    client.force_login(world.mzo_admin)

    assert "Amina" in texts(client.get("/engagements/invitations/"))


# --- engagements and bookings -------------------------------------------------------------------


def test_the_coordinator_completes_an_engagement_with_feedback(client, world):
    engagement = services.invitation_accept(actor=world.a.user, invitation=send(world, world.a))
    client.force_login(world.coordinator)

    listing = texts(client.get("/engagements/"))
    assert f"/engagements/{engagement.pk}/" in listing
    detail = texts(client.get(f"/engagements/{engagement.pk}/"))
    assert "Mark as completed" in detail and "Volunteer allowance" in detail

    client.post(f"/engagements/{engagement.pk}/complete/", {"rating": "4", "on_time": "true"})

    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.COMPLETED
    assert (engagement.feedback_rating, engagement.feedback_on_time) == (4, True)


def test_the_partner_cancels_and_outsiders_get_404(client, world):
    engagement = services.invitation_accept(actor=world.a.user, invitation=send(world, world.a))
    client.force_login(other_coordinator())
    assert client.get(f"/engagements/{engagement.pk}/").status_code == 404

    client.force_login(world.a.user)
    detail = texts(client.get(f"/engagements/{engagement.pk}/"))
    assert "Mark as completed" not in detail and "Cancel this engagement" in detail
    client.post(f"/engagements/{engagement.pk}/cancel/", {"reason": "Verhuisd."})

    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.CANCELLED


def test_booking_an_offer_from_its_page(client, world):
    offer = OfferFactory(partner=world.a, price=Decimal("100.00"), duration_hours=Decimal("3"))
    url = f"/engagements/offers/{offer.pk}/book/"
    client.force_login(world.a.user)
    assert client.get(url).status_code == 403

    client.force_login(world.coordinator)
    page = client.get(url)
    assert page.status_code == 200 and "€ 33.33" in texts(page)
    assert "Reason for a rate above the allowance guideline" in texts(page)
    start = timezone.localdate() + timedelta(days=2)
    fields = {"period_start": start.isoformat(), "period_end": start.isoformat(), "hours": "2"}
    refused = client.post(url, fields)
    assert refused.status_code == 400 and "above the volunteer allowance guideline" in texts(
        refused
    )
    response = client.post(url, {**fields, "rate_above_cap_reason": "Met voorbereiding"})

    engagement = Engagement.objects.get()
    assert response.status_code == 302 and response.url == f"/engagements/{engagement.pk}/"
    assert engagement.max_hours == Decimal("2.00") and engagement.hourly_rate == Decimal("33.33")
