"""Invitations and engagements through the services: every transition, idempotency,
permissions, the expiry task run twice, e-mails after the commit, and offer price maths."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.models import (
    AuditEntry,
    Engagement,
    EngagementStatus,
    Invitation,
    InvitationStatus,
    VerificationStatus,
)
from marketplace.services import engagements as services
from marketplace.tasks import expire_request_invitations_task
from partners.models import PricingUnit
from requests.models import Status, SupportRequest
from tests.marketplace.engagement_factories import (
    EngagementFactory,
    InvitationFactory,
    OfferFactory,
    ProposalFactory,
    build_world,
    in_days,
    other_coordinator,
)
from tests.marketplace.test_engagements_urlconf import URLCONF
from tests.requests.conftest import _fast_passwords, taxonomy  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF), pytest.mark.usefixtures("taxonomy")]


@pytest.fixture
def world():
    return build_world()


def send(world, partner, **kwargs):
    kwargs.setdefault("respond_before", in_days(5))
    return services.invitation_send(
        actor=world.coordinator, request=world.support_request, partner=partner, **kwargs
    )


# --- sending ----------------------------------------------------------------------------------


def test_sending_invites_the_partner_moves_the_request_to_matching_and_emails_them(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = send(world, world.a, message="Graag iemand die Tigrinya spreekt.")

    assert invitation.status == InvitationStatus.SENT
    assert invitation.invited_by == world.coordinator and invitation.proposal is None
    world.support_request.refresh_from_db()
    assert world.support_request.status == Status.MATCHING
    assert AuditEntry.objects.filter(action="request_invitation.sent").count() == 1
    assert [m.to for m in mailoutbox] == [["mebrat@example.org"]]
    assert f"/engagements/invitations/{invitation.pk}/" in mailoutbox[0].body
    assert world.support_request.title in mailoutbox[0].subject


def test_sending_twice_returns_the_open_invitation(world, django_capture_on_commit_callbacks):
    first = send(world, world.a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = send(world, world.a, respond_before=in_days(3))

    assert again == first
    assert Invitation.objects.count() == 1
    assert callbacks == []  # no second e-mail
    assert AuditEntry.objects.filter(action="request_invitation.sent").count() == 1


def test_a_proposal_is_recorded_and_must_match_request_and_partner(world):
    proposal = ProposalFactory(request=world.support_request, partner=world.a)

    invitation = send(world, world.a, proposal=proposal)

    assert invitation.proposal == proposal and invitation.was_proposed
    with pytest.raises(DomainError) as refused:
        send(world, world.b, proposal=proposal)
    assert refused.value.field == "proposal"


def test_an_mzo_profile_is_e_mailed_through_its_admins(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        send(world, world.mzo)

    assert [m.to for m in mailoutbox] == [["admin@stichting-brug.example.org"]]


@pytest.mark.parametrize(
    ("respond_before", "message"),
    [
        (lambda r: timezone.now() - timedelta(minutes=1), "must be in the future"),
        (lambda r: in_days((r.period_end - timezone.localdate()).days + 1), "end of the request"),
    ],
)
def test_the_date_to_respond_must_lie_between_now_and_the_end_of_the_period(
    world, respond_before, message
):
    with pytest.raises(DomainError) as refused:
        send(world, world.a, respond_before=respond_before(world.support_request))

    assert refused.value.field == "respond_before" and message in refused.value.message
    assert not Invitation.objects.exists()


def test_the_message_goes_through_the_privacy_guard(world):
    with pytest.raises(DomainError) as refused:
        send(world, world.a, message="Bel de moeder op 06-12345678.")

    assert refused.value.field == "message" and refused.value.code == "personal_data"
    assert "phone number" in refused.value.message


def test_only_a_listed_partner_can_be_invited(world):
    world.b.is_published = False
    world.b.save()

    with pytest.raises(DomainError) as refused:
        send(world, world.b)

    assert refused.value.code == "partner_not_listed"


def test_a_coordinator_of_another_organisation_cannot_invite():
    world = build_world()

    with pytest.raises(PermissionDenied):
        services.invitation_send(
            actor=other_coordinator(),
            request=world.support_request,
            partner=world.a,
            respond_before=in_days(5),
        )
    assert not Invitation.objects.exists()


def test_an_unverified_care_organisation_cannot_invite(world):
    world.care_org.verification_status = VerificationStatus.PENDING
    world.care_org.save()

    with pytest.raises(PermissionDenied) as refused:
        send(world, world.a)

    assert refused.value.code == "organisation_unverified"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.FILLED, Status.CANCELLED, Status.EXPIRED])
def test_invitations_only_for_open_or_matching_requests(world, status):
    world.support_request.status = status
    world.support_request.save()

    with pytest.raises(Conflict) as refused:
        send(world, world.a)

    assert refused.value.code == "request_not_open"


def test_several_proposals_are_invited_at_once_or_not_at_all(world):
    good = ProposalFactory(request=world.support_request, partner=world.a, rank=1)
    unlisted = ProposalFactory(request=world.support_request, partner=world.b, rank=2)
    world.b.verification_status = VerificationStatus.PENDING
    world.b.save()

    with pytest.raises(DomainError):
        services.invitations_send(
            actor=world.coordinator,
            request=world.support_request,
            proposals=[good, unlisted],
            respond_before=in_days(5),
        )
    assert not Invitation.objects.exists()

    world.b.verification_status = VerificationStatus.VERIFIED
    world.b.save()
    sent = services.invitations_send(
        actor=world.coordinator,
        request=world.support_request,
        proposals=[good, unlisted],
        respond_before=in_days(5),
        message="Twee avonden in de buurt.",
    )
    assert {(i.partner, i.proposal) for i in sent} == {(world.a, good), (world.b, unlisted)}


# --- accepting --------------------------------------------------------------------------------


def test_the_first_acceptance_creates_the_engagement_fills_the_request_and_withdraws_others(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    mine = send(world, world.a)
    other = send(world, world.b)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        engagement = services.invitation_accept(actor=world.a.user, invitation=mine)

    request = world.support_request
    request.refresh_from_db()
    assert request.status == Status.FILLED
    assert engagement.request == request and engagement.invitation == mine
    assert engagement.organisation == request.organisation and engagement.offer is None
    assert engagement.activity == request.expertise
    assert engagement.hourly_rate == Decimal("5.75")
    assert engagement.max_hours == request.hours_estimated
    assert (engagement.period_start, engagement.period_end) == (
        request.period_start,
        request.period_end,
    )
    assert engagement.compensation_mode == "allowance" and engagement.created_by == world.a.user
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == InvitationStatus.ACCEPTED and mine.responded_by == world.a.user
    assert mine.responded_at is not None
    assert other.status == InvitationStatus.WITHDRAWN
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"request_invitation.accepted", "engagement.created", "support_request.filled"} <= (
        actions
    )
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([world.coordinator.email, "selam@example.org"])
    to_coordinator = next(m for m in mailoutbox if m.to == [world.coordinator.email])
    assert f"/engagements/{engagement.pk}/" in to_coordinator.body
    to_selam = next(m for m in mailoutbox if m.to == ["selam@example.org"])
    assert "Another partner accepted" in to_selam.body


def test_accepting_twice_returns_the_same_engagement(world):
    invitation = send(world, world.a)
    first = services.invitation_accept(actor=world.a.user, invitation=invitation)

    again = services.invitation_accept(actor=world.a.user, invitation=invitation)

    assert again == first and Engagement.objects.count() == 1
    assert AuditEntry.objects.filter(action="engagement.created").count() == 1


def test_the_second_acceptance_gets_a_conflict_and_its_invitation_stays_withdrawn(world):
    """The sequential double-accept: the second partner is told someone else was first."""
    first = send(world, world.a)
    second = send(world, world.b)
    services.invitation_accept(actor=world.a.user, invitation=first)

    with pytest.raises(Conflict) as refused:
        services.invitation_accept(actor=world.b.user, invitation=second)

    assert refused.value.code == "already_engaged"
    second.refresh_from_db()
    assert second.status == InvitationStatus.WITHDRAWN
    assert Engagement.objects.count() == 1


def test_an_invitation_still_open_when_the_request_is_engaged_is_withdrawn_on_accepting(world):
    """Defence in depth: an engagement exists but this invitation was not withdrawn yet."""
    first = send(world, world.a)
    late = send(world, world.b)
    services.invitation_accept(actor=world.a.user, invitation=first)
    Invitation.objects.filter(pk=late.pk).update(status=InvitationStatus.SENT)
    world.support_request.refresh_from_db()

    with pytest.raises(Conflict) as refused:
        services.invitation_accept(actor=world.b.user, invitation=late)

    assert refused.value.code == "already_engaged"
    late.refresh_from_db()
    assert late.status == InvitationStatus.WITHDRAWN  # committed despite the Conflict


def test_the_database_allows_one_engagement_per_request(world):
    invitation = send(world, world.a)
    engagement = services.invitation_accept(actor=world.a.user, invitation=invitation)

    with pytest.raises(IntegrityError), transaction.atomic():
        Engagement.objects.create(
            organisation=engagement.organisation,
            partner=world.b,
            request=engagement.request,
            activity=engagement.activity,
            hourly_rate=Decimal("5.00"),
            max_hours=Decimal("1.00"),
            period_start=engagement.period_start,
            period_end=engagement.period_end,
            compensation_mode="allowance",
            created_by=world.coordinator,
        )


def test_the_admin_of_the_mzo_accepts_for_the_key_person_it_dispatches(world):
    invitation = send(world, world.dispatched)

    engagement = services.invitation_accept(actor=world.mzo_admin, invitation=invitation)

    assert engagement.partner == world.dispatched
    assert engagement.compensation_mode == "invoice_org"
    assert engagement.hourly_rate == Decimal("40.00")


def test_a_partner_cannot_accept_or_decline_an_invitation_sent_to_someone_else(world):
    invitation = send(world, world.a)

    with pytest.raises(PermissionDenied):
        services.invitation_accept(actor=world.b.user, invitation=invitation)
    with pytest.raises(PermissionDenied):
        services.invitation_decline(actor=world.b.user, invitation=invitation)
    with pytest.raises(PermissionDenied):
        services.invitation_accept(actor=world.coordinator, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT


def test_an_invitation_past_its_date_cannot_be_accepted(world):
    invitation = InvitationFactory(
        request=world.support_request, partner=world.a, respond_before=in_days(-0.1)
    )

    with pytest.raises(Conflict) as refused:
        services.invitation_accept(actor=world.a.user, invitation=invitation)

    assert refused.value.code == "invitation_expired"
    assert not Engagement.objects.exists()


def test_agreed_rate_and_hours_are_kept_within_what_was_asked(world):
    invitation = send(world, world.a)

    with pytest.raises(DomainError) as refused:
        services.invitation_accept(actor=world.a.user, invitation=invitation, max_hours="99")
    assert refused.value.field == "max_hours"

    engagement = services.invitation_accept(
        actor=world.a.user, invitation=invitation, hourly_rate="5.605", max_hours="8"
    )
    assert engagement.hourly_rate == Decimal("5.61")
    assert engagement.max_hours == Decimal("8.00")


# --- declining and withdrawing ----------------------------------------------------------------


def test_declining_keeps_the_reason_and_tells_the_coordinator_nobody_is_left(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    invitation = send(world, world.a)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        declined = services.invitation_decline(
            actor=world.a.user, invitation=invitation, reason="Geen tijd in deze periode."
        )

    assert declined.status == InvitationStatus.DECLINED
    assert declined.decline_reason == "Geen tijd in deze periode."
    assert declined.responded_by == world.a.user
    entry = AuditEntry.objects.get(action="request_invitation.declined")
    assert entry.data == {"has_reason": True}
    assert [m.to for m in mailoutbox] == [[world.coordinator.email]]
    assert "Geen tijd" in mailoutbox[0].body and "nobody accepted" in mailoutbox[0].body
    assert f"/engagements/requests/{world.support_request.pk}/proposals/" in mailoutbox[0].body


def test_declining_twice_is_harmless_and_the_reason_is_guarded(world):
    invitation = send(world, world.a)
    with pytest.raises(DomainError) as refused:
        services.invitation_decline(
            actor=world.a.user, invitation=invitation, reason="Mail mij: a@b.nl"
        )
    assert refused.value.field == "reason"

    first = services.invitation_decline(actor=world.a.user, invitation=invitation)
    again = services.invitation_decline(actor=world.a.user, invitation=invitation, reason="x")

    assert again.pk == first.pk and again.decline_reason == ""
    assert AuditEntry.objects.filter(action="request_invitation.declined").count() == 1


def test_a_declined_invitation_cannot_be_accepted(world):
    invitation = send(world, world.a)
    services.invitation_decline(actor=world.a.user, invitation=invitation)

    with pytest.raises(Conflict) as refused:
        services.invitation_accept(actor=world.a.user, invitation=invitation)

    assert refused.value.code == "invitation_declined"


def test_the_care_side_withdraws_an_open_invitation_once(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    invitation = send(world, world.a)
    mailoutbox.clear()

    with pytest.raises(PermissionDenied):
        services.invitation_withdraw(actor=world.a.user, invitation=invitation)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = services.invitation_withdraw(actor=world.coordinator, invitation=invitation)
    again = services.invitation_withdraw(actor=world.coordinator, invitation=invitation)

    assert withdrawn.status == again.status == InvitationStatus.WITHDRAWN
    assert [m.to for m in mailoutbox] == [["mebrat@example.org"]]
    assert "withdrew the invitation" in mailoutbox[0].body
    with pytest.raises(Conflict) as refused:
        services.invitation_accept(actor=world.a.user, invitation=invitation)
    assert refused.value.code == "invitation_withdrawn"


def test_an_accepted_invitation_cannot_be_withdrawn(world):
    invitation = send(world, world.a)
    services.invitation_accept(actor=world.a.user, invitation=invitation)

    with pytest.raises(Conflict):
        services.invitation_withdraw(actor=world.coordinator, invitation=invitation)


# --- expiry -----------------------------------------------------------------------------------


def test_the_expiry_task_run_twice_expires_once_and_says_nobody_accepted_once(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    send(world, world.a)
    InvitationFactory(request=world.support_request, partner=world.b, respond_before=in_days(-1))
    InvitationFactory(
        request=world.support_request, partner=world.dispatched, respond_before=in_days(-2)
    )
    Invitation.objects.filter(partner=world.a).update(respond_before=in_days(-0.01))
    still_open = InvitationFactory(partner=world.mzo, respond_before=in_days(2))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = expire_request_invitations_task.apply().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = expire_request_invitations_task.apply().get()

    assert (first, second) == (3, 0)
    assert Invitation.objects.filter(status=InvitationStatus.EXPIRED).count() == 3
    still_open.refresh_from_db()
    assert still_open.status == InvitationStatus.SENT
    assert AuditEntry.objects.filter(action="request_invitation.expired").count() == 3
    assert [m.to for m in mailoutbox] == [[world.coordinator.email]]
    assert "nobody accepted" in mailoutbox[0].body


def test_expiry_works_in_bounded_batches(world):
    partners = [world.a, world.b, world.dispatched, world.mzo]
    for partner in partners:
        InvitationFactory(
            request=world.support_request, partner=partner, respond_before=in_days(-1)
        )

    assert services.invitations_expire(batch_size=3) == 4
    assert services.invitations_expire(batch_size=3) == 0


def test_an_expired_invitation_cannot_be_accepted(world):
    invitation = InvitationFactory(
        request=world.support_request, partner=world.a, respond_before=in_days(-1)
    )
    services.invitations_expire()

    with pytest.raises(Conflict) as refused:
        services.invitation_accept(actor=world.a.user, invitation=invitation)

    assert refused.value.code == "invitation_expired"


# --- booking an offer -------------------------------------------------------------------------


def book(world, offer, **kwargs):
    kwargs.setdefault("period_start", timezone.localdate() + timedelta(days=7))
    kwargs.setdefault("period_end", timezone.localdate() + timedelta(days=14))
    # Mebrat is paid an allowance; most offers here are priced above its hourly guideline.
    kwargs.setdefault("rate_above_cap_reason", "Een voorlichting met voorbereiding")
    return services.offer_book(actor=world.coordinator, offer=offer, **kwargs)


@pytest.mark.parametrize(
    ("pricing", "price", "duration", "rate"),
    [
        (PricingUnit.HOURLY, "42.50", "2.00", "42.50"),
        (PricingUnit.FIXED, "100.00", "3.00", "33.33"),
        (PricingUnit.FIXED, "200.00", "3.00", "66.67"),
        # 0.05 / 2 = 0.025: half up gives 0.03 (banker's rounding would give 0.02).
        (PricingUnit.FIXED, "0.05", "2.00", "0.03"),
        (PricingUnit.FIXED, "0.00", "1.00", "0.00"),
    ],
)
def test_booking_an_offer_derives_the_hourly_rate(world, pricing, price, duration, rate):
    offer = OfferFactory(
        partner=world.a, pricing=pricing, price=Decimal(price), duration_hours=Decimal(duration)
    )

    engagement = book(world, offer)

    assert engagement.hourly_rate == Decimal(rate)
    assert engagement.max_hours == Decimal(duration)
    assert engagement.request is None and engagement.offer == offer
    assert engagement.activity == offer.expertise
    assert engagement.organisation == world.care_org
    assert engagement.compensation_mode == world.a.compensation_mode


def test_booking_emails_the_partner_and_is_idempotent(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    offer = OfferFactory(partner=world.a)
    with django_capture_on_commit_callbacks(execute=True):
        first = book(world, offer, hours="5", note="Twee bijeenkomsten.")
    again = book(world, offer, hours="5")

    assert again == first and Engagement.objects.count() == 1
    assert first.max_hours == Decimal("5.00") and first.description == "Twee bijeenkomsten."
    assert [m.to for m in mailoutbox] == [["mebrat@example.org"]]
    assert offer.title in mailoutbox[0].subject
    assert AuditEntry.objects.filter(action="engagement.booked").count() == 1


def test_an_unverified_care_organisation_cannot_book(world):
    world.care_org.verification_status = VerificationStatus.PENDING
    world.care_org.save()

    with pytest.raises(PermissionDenied):
        book(world, OfferFactory(partner=world.a))


def test_only_coordinators_of_a_care_organisation_book(world):
    offer = OfferFactory(partner=world.b)

    with pytest.raises(PermissionDenied):
        services.offer_book(
            actor=world.a.user,
            offer=offer,
            period_start=timezone.localdate(),
            period_end=timezone.localdate(),
        )


def test_an_unpublished_offer_or_a_past_period_cannot_be_booked(world):
    offer = OfferFactory(partner=world.a, is_published=False)
    with pytest.raises(Conflict):
        book(world, offer)

    offer.is_published = True
    offer.save()
    with pytest.raises(DomainError) as refused:
        book(world, offer, period_start=timezone.localdate() - timedelta(days=1))
    assert refused.value.field == "period_start"


# --- completing and cancelling ----------------------------------------------------------------


def test_completing_records_feedback_and_completes_the_request(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    invitation = send(world, world.a)
    engagement = services.invitation_accept(actor=world.a.user, invitation=invitation)
    mailoutbox.clear()

    with pytest.raises(PermissionDenied):
        services.engagement_complete(actor=world.a.user, engagement=engagement)
    with django_capture_on_commit_callbacks(execute=True):
        done = services.engagement_complete(
            actor=world.coordinator, engagement=engagement, rating=5, on_time=True
        )
    again = services.engagement_complete(actor=world.coordinator, engagement=engagement, rating=1)

    done.refresh_from_db()
    assert done.status == EngagementStatus.COMPLETED and done.completed_at is not None
    assert (done.feedback_rating, done.feedback_on_time) == (5, True)
    assert again.feedback_rating == 5
    world.support_request.refresh_from_db()
    assert world.support_request.status == Status.COMPLETED
    assert [m.to for m in mailoutbox] == [["mebrat@example.org"]]


def test_a_rating_is_between_1_and_5(world):
    engagement = EngagementFactory(organisation=world.care_org, created_by=world.coordinator)

    with pytest.raises(DomainError):
        services.engagement_complete(actor=world.coordinator, engagement=engagement, rating=6)


def test_either_side_cancels_once_and_the_other_side_hears_it(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    offer = OfferFactory(partner=world.a)
    engagement = book(world, offer)
    mailoutbox.clear()

    with pytest.raises(PermissionDenied):
        services.engagement_cancel(actor=world.b.user, engagement=engagement)
    with pytest.raises(PermissionDenied):
        services.engagement_cancel(actor=other_coordinator(), engagement=engagement)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.engagement_cancel(
            actor=world.a.user, engagement=engagement, reason="Ziek."
        )
    again = services.engagement_cancel(actor=world.coordinator, engagement=engagement)

    assert cancelled.status == again.status == EngagementStatus.CANCELLED
    assert [m.to for m in mailoutbox] == [[world.coordinator.email]]
    assert "Ziek." in mailoutbox[0].body
    with pytest.raises(Conflict):
        services.engagement_complete(actor=world.coordinator, engagement=engagement)
    assert AuditEntry.objects.get(action="engagement.cancelled").data == {
        "by": "partner",
        "has_reason": True,
    }


def test_a_completed_engagement_cannot_be_cancelled(world):
    engagement = book(world, OfferFactory(partner=world.a))
    services.engagement_complete(actor=world.coordinator, engagement=engagement)

    with pytest.raises(Conflict):
        services.engagement_cancel(actor=world.coordinator, engagement=engagement)


def test_a_called_off_engagement_gives_its_request_back_to_matching(world):
    first = services.invitation_accept(actor=world.a.user, invitation=send(world, world.a))
    assert first.request.status == Status.FILLED

    services.engagement_cancel(actor=world.a.user, engagement=first, reason="Verhuisd.")

    world.support_request.refresh_from_db()
    assert world.support_request.status == Status.MATCHING
    second = services.invitation_accept(actor=world.b.user, invitation=send(world, world.b))
    assert second.partner == world.b
    world.support_request.refresh_from_db()
    assert world.support_request.status == Status.FILLED


def test_a_request_whose_period_has_ended_is_not_reopened(world):
    engagement = services.invitation_accept(actor=world.a.user, invitation=send(world, world.a))
    SupportRequest.objects.filter(pk=world.support_request.pk).update(
        period_start=timezone.localdate() - timedelta(days=30),
        period_end=timezone.localdate() - timedelta(days=1),
    )

    services.engagement_cancel(actor=world.coordinator, engagement=engagement)

    world.support_request.refresh_from_db()
    assert world.support_request.status == Status.FILLED


@pytest.mark.django_db(transaction=True)
def test_calling_off_runs_in_its_own_transaction():
    """Outside a test's wrapping transaction too: the row locks need one of their own."""
    world = build_world()
    engagement = services.invitation_accept(actor=world.a.user, invitation=send(world, world.a))

    services.engagement_cancel(actor=world.a.user, engagement=engagement, reason="Verhuisd.")

    engagement.refresh_from_db()
    world.support_request.refresh_from_db()
    assert engagement.status == EngagementStatus.CANCELLED
    assert world.support_request.status == Status.MATCHING
