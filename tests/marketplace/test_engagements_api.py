"""Invitations, engagements and offer bookings over the API, tried from the outside:
problem+json errors, scoping (another organisation gets 404), idempotent actions and a
constant number of queries per list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.models import Engagement, Invitation, InvitationStatus, VerificationStatus
from marketplace.services import engagements as services
from tests.marketplace.engagement_factories import (
    OfferFactory,
    ProposalFactory,
    build_world,
    in_days,
    other_coordinator,
)
from tests.marketplace.test_engagements_urlconf import URLCONF
from tests.partners.factories import KeyPersonProfileFactory
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF), pytest.mark.usefixtures("taxonomy")]

INVITATIONS = "/api/v1/request-invitations/"
ENGAGEMENTS = "/api/v1/engagements/"
BOOKINGS = "/api/v1/offer-bookings/"


@pytest.fixture
def world():
    return build_world()


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    if field:
        assert field in {p["name"] for p in body["invalidParams"]}
    return body


def invite_payload(world, partner, **overrides) -> dict:
    body = {
        "request": world.support_request.pk,
        "partner": partner.pk,
        "respond_before": in_days(5).isoformat(),
        "message": "Twee avonden in de buurt.",
    }
    body.update(overrides)
    return body


def send(world, partner):
    return services.invitation_send(
        actor=world.coordinator,
        request=world.support_request,
        partner=partner,
        respond_before=in_days(5),
    )


def test_a_coordinator_invites_over_the_api_and_sending_again_returns_the_same(api_client, world):
    client = as_user(api_client, world.coordinator)
    proposal = ProposalFactory(request=world.support_request, partner=world.a)

    created = client.post(
        INVITATIONS, invite_payload(world, world.a, proposal=proposal.pk), format="json"
    )
    again = client.post(INVITATIONS, invite_payload(world, world.a), format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "sent" and body["was_proposed"] is True
    assert body["partner"]["display_name"] == "Mebrat"
    assert body["request"]["organisation"]["id"] == world.care_org.pk
    assert body["engagement"] is None
    assert again.status_code == 201 and again.json()["id"] == body["id"]


def test_personal_data_in_the_message_is_a_field_error(api_client, world):
    client = as_user(api_client, world.coordinator)

    response = client.post(
        INVITATIONS, invite_payload(world, world.a, message="BSN 111222333"), format="json"
    )

    assert_problem(response, 400, field="message")
    assert not Invitation.objects.exists()


def test_an_unlisted_partner_or_a_foreign_proposal_is_a_field_error(api_client, world):
    client = as_user(api_client, world.coordinator)
    hidden = KeyPersonProfileFactory(is_published=False)
    foreign = ProposalFactory(partner=world.a)

    assert_problem(
        client.post(INVITATIONS, invite_payload(world, hidden), format="json"), 400, "partner"
    )
    assert_problem(
        client.post(
            INVITATIONS, invite_payload(world, world.a, proposal=foreign.pk), format="json"
        ),
        400,
        "proposal",
    )


def test_a_coordinator_of_another_organisation_gets_404_for_this_request(api_client, world):
    invitation = send(world, world.a)
    client = as_user(api_client, other_coordinator())

    response = client.post(INVITATIONS, invite_payload(world, world.b), format="json")

    assert_problem(response, 404)
    assert client.get(INVITATIONS).json()["count"] == 0
    assert_problem(client.get(f"{INVITATIONS}{invitation.pk}/"), 404)
    assert_problem(client.post(f"{INVITATIONS}{invitation.pk}/withdraw/"), 404)
    assert Invitation.objects.count() == 1


def test_an_unverified_care_organisation_cannot_invite(api_client, world):
    world.care_org.verification_status = VerificationStatus.PENDING
    world.care_org.save()
    client = as_user(api_client, world.coordinator)

    body = assert_problem(
        client.post(INVITATIONS, invite_payload(world, world.a), format="json"), 403
    )

    assert body["code"] == "organisation_unverified"


def test_the_partner_sees_and_accepts_their_invitation_and_accepting_again_is_the_same(
    api_client, world
):
    invitation = send(world, world.a)
    client = as_user(api_client, world.a.user)

    listed = client.get(INVITATIONS).json()
    first = client.post(f"{INVITATIONS}{invitation.pk}/accept/", {}, format="json")
    again = client.post(f"{INVITATIONS}{invitation.pk}/accept/", {}, format="json")

    assert [i["id"] for i in listed["results"]] == [invitation.pk]
    assert first.status_code == 200, first.content
    engagement = first.json()
    assert engagement["request"] == world.support_request.pk
    assert engagement["hourly_rate"] == "5.75"
    assert engagement["compensation_mode"] == "allowance"
    assert engagement["activity"]["code"] == "explaining-system"
    assert again.json()["id"] == engagement["id"]
    detail = client.get(f"{INVITATIONS}{invitation.pk}/").json()
    assert detail["status"] == "accepted" and detail["engagement"] == engagement["id"]


def test_another_partner_cannot_see_accept_or_decline_the_invitation(api_client, world):
    invitation = send(world, world.a)
    client = as_user(api_client, world.b.user)

    assert client.get(INVITATIONS).json()["count"] == 0
    assert_problem(client.post(f"{INVITATIONS}{invitation.pk}/accept/"), 404)
    assert_problem(client.post(f"{INVITATIONS}{invitation.pk}/decline/"), 404)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT


def test_the_second_acceptance_is_a_409(api_client, world):
    first, second = send(world, world.a), send(world, world.b)
    as_user(api_client, world.a.user).post(f"{INVITATIONS}{first.pk}/accept/")

    response = as_user(api_client, world.b.user).post(f"{INVITATIONS}{second.pk}/accept/")

    assert assert_problem(response, 409)["code"] == "already_engaged"
    assert Engagement.objects.count() == 1


def test_the_coordinator_cannot_accept_and_the_partner_cannot_withdraw(api_client, world):
    invitation = send(world, world.a)

    coordinator = as_user(api_client, world.coordinator)
    assert_problem(coordinator.post(f"{INVITATIONS}{invitation.pk}/accept/"), 403)
    partner = as_user(api_client, world.a.user)
    assert_problem(partner.post(f"{INVITATIONS}{invitation.pk}/withdraw/"), 403)


def test_declining_with_a_reason_and_withdrawing(api_client, world):
    declined, withdrawn = send(world, world.a), send(world, world.b)

    partner = as_user(api_client, world.a.user)
    bad = partner.post(
        f"{INVITATIONS}{declined.pk}/decline/", {"reason": "Bel 0612345678"}, format="json"
    )
    assert_problem(bad, 400, field="reason")
    response = partner.post(
        f"{INVITATIONS}{declined.pk}/decline/", {"reason": "Geen tijd."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    assert response.json()["decline_reason"] == "Geen tijd."

    coordinator = as_user(api_client, world.coordinator)
    response = coordinator.post(f"{INVITATIONS}{withdrawn.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert coordinator.post(f"{INVITATIONS}{withdrawn.pk}/withdraw/").status_code == 200
    statuses = {i["id"]: i["status"] for i in coordinator.get(INVITATIONS).json()["results"]}
    assert statuses == {declined.pk: "declined", withdrawn.pk: "withdrawn"}


def test_invitation_and_engagement_lists_use_a_constant_number_of_queries(api_client, world):
    client = as_user(api_client, world.coordinator)
    send(world, world.a)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one_invitation = count(INVITATIONS)
    send(world, world.b)
    send(world, world.mzo)
    assert count(INVITATIONS) == one_invitation

    offer = OfferFactory(partner=world.a)
    services.offer_book(
        actor=world.coordinator,
        offer=offer,
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
        rate_above_cap_reason="Above the allowance guideline: a whole session",
    )
    one_engagement = count(ENGAGEMENTS)
    for partner in (world.b, world.dispatched):
        services.offer_book(
            actor=world.coordinator,
            offer=OfferFactory(partner=partner),
            period_start=timezone.localdate(),
            period_end=timezone.localdate(),
            rate_above_cap_reason="Above the allowance guideline: a whole session",
        )
    assert count(ENGAGEMENTS) == one_engagement


def test_engagements_are_scoped_and_completed_or_cancelled_over_the_api(api_client, world):
    engagement = services.invitation_accept(actor=world.a.user, invitation=send(world, world.a))

    outsider = as_user(api_client, other_coordinator())
    assert outsider.get(ENGAGEMENTS).json()["count"] == 0
    assert_problem(outsider.get(f"{ENGAGEMENTS}{engagement.pk}/"), 404)
    assert as_user(api_client, world.b.user).get(ENGAGEMENTS).json()["count"] == 0
    assert as_user(api_client, world.a.user).get(ENGAGEMENTS).json()["count"] == 1

    partner = as_user(api_client, world.a.user)
    assert_problem(partner.post(f"{ENGAGEMENTS}{engagement.pk}/complete/"), 403)
    coordinator = as_user(api_client, world.coordinator)
    bad = coordinator.post(f"{ENGAGEMENTS}{engagement.pk}/complete/", {"rating": 9})
    assert_problem(bad, 400, field="rating")
    done = coordinator.post(
        f"{ENGAGEMENTS}{engagement.pk}/complete/", {"rating": 4, "on_time": True}, format="json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "completed" and done.json()["feedback_rating"] == 4
    assert_problem(coordinator.post(f"{ENGAGEMENTS}{engagement.pk}/cancel/"), 409)


def test_booking_an_offer_over_the_api(api_client, world):
    offer = OfferFactory(partner=world.a, price=Decimal("200.00"), duration_hours=Decimal("3"))
    client = as_user(api_client, world.coordinator)
    start = timezone.localdate() + timedelta(days=3)
    payload = {
        "offer": offer.pk,
        "period_start": str(start),
        "period_end": str(start + timedelta(days=7)),
    }
    # Mebrat is paid an allowance: €66.67 an hour is above its guideline and needs a reason.
    refused = client.post(BOOKINGS, payload, format="json")
    assert refused.status_code == 400
    assert refused.json()["invalidParams"][0]["name"] == "rate_above_cap_reason"
    payload["rate_above_cap_reason"] = "Training for a whole team, preparation included"

    booked = client.post(BOOKINGS, payload, format="json")
    again = client.post(BOOKINGS, payload, format="json")

    assert booked.status_code == 201, booked.content
    body = booked.json()
    assert body["hourly_rate"] == "66.67" and body["max_hours"] == "3.00"
    assert body["offer"] == offer.pk and body["request"] is None
    assert body["rate_above_cap_reason"].startswith("Training for a whole team")
    assert again.json()["id"] == body["id"]


def test_booking_needs_a_verified_care_organisation_and_a_listed_offer(api_client, world):
    offer = OfferFactory(partner=world.a)
    start = timezone.localdate() + timedelta(days=3)
    payload = {"offer": offer.pk, "period_start": str(start), "period_end": str(start)}

    assert_problem(as_user(api_client, world.b.user).post(BOOKINGS, payload), 403)
    world.care_org.verification_status = VerificationStatus.PENDING
    world.care_org.save()
    assert_problem(as_user(api_client, world.coordinator).post(BOOKINGS, payload), 403)
    hidden = OfferFactory(partner=world.a, is_published=False)
    world.care_org.verification_status = VerificationStatus.VERIFIED
    world.care_org.save()
    assert_problem(
        as_user(api_client, world.coordinator).post(BOOKINGS, {**payload, "offer": hidden.pk}),
        400,
        field="offer",
    )


def test_anonymous_requests_are_refused(api_client, world):
    assert_problem(api_client.get(INVITATIONS), 403)
    assert_problem(api_client.get(ENGAGEMENTS), 403)
