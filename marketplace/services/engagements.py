"""Writes for invitations and engagements: from a proposal (or the directory) to agreed work.

    invitation: sent → accepted | declined | expired | withdrawn
    engagement: active → completed | cancelled

Each service is one transaction that locks what it changes, checks who may do it and the
current state, changes, records an audit entry and queues e-mails for after the commit. Calling
a service again for a step that already happened returns the same result (idempotent).

Locks are always taken in the same order, so two services never wait for each other in a
cycle: the support request first, then invitations (by pk), then the engagement. Two partners
accepting at once therefore queue on the request row; the second one finds its invitation
withdrawn. The unique constraint `marketplace_engagement_one_per_request` is the last line of
defence behind that.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.engagement_selectors import is_care_side, manages_partner
from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.models import (
    Engagement,
    EngagementStatus,
    Invitation,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    Proposal,
    Role,
    User,
)
from marketplace.notifications import queue_email
from marketplace.permissions import ensure_can_transact, ensure_role
from partners.models import Offer, PartnerKind, PartnerProfile, PricingUnit
from payments.rates import reference_rate_for
from requests import lifecycle
from requests.models import MANAGER_ROLES, Status, SupportRequest
from requests.privacy import validate_no_personal_data
from requests.selectors import organisations_posting_for
from requests.services import quantize

INVITABLE_STATUSES = (Status.OPEN, Status.MATCHING)
MESSAGE_MAX = 2000
REASON_MAX = 1000
NOTE_MAX = 3000
EXPIRE_BATCH = 500


# --- small helpers ----------------------------------------------------------------------------


def respond_before_end_of(day: date) -> datetime:
    """A date typed in a form means "up to the end of that day" in Dutch time."""
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def _guard(value: str, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise DomainError(
            _("Keep this under %(max)d characters.") % {"max": max_length}, field=field
        )
    try:
        validate_no_personal_data(value)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="personal_data", field=field) from None
    return value


def _amount(value, field: str) -> Decimal:
    try:
        return quantize(value)
    except DomainError as exc:
        raise DomainError(exc.message, code=exc.code, field=field) from None


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _partner_contacts(partner: PartnerProfile) -> list[User]:
    """Who hears about a partner's invitations: the key person, or the admins of an MZO."""
    if partner.kind == PartnerKind.KEY_PERSON:
        user = partner.user
        return [user] if user is not None and user.is_active else []
    return [
        membership.user
        for membership in partner.organisation.memberships.active()
        .filter(role=Role.ADMIN, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ]


def _distinct(users) -> list[User]:
    seen, result = set(), []
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def _care_contacts(invitation: Invitation) -> list[User]:
    """The coordinator who invited and the one who posted the request."""
    return _distinct([invitation.invited_by, invitation.request.created_by])


def _engagement_care_contacts(engagement: Engagement) -> list[User]:
    posted_by = engagement.request.created_by if engagement.request_id else None
    invited_by = engagement.invitation.invited_by if engagement.invitation_id else None
    return _distinct([engagement.created_by, invited_by, posted_by])


def _email(users, template: str, context: dict) -> None:
    for user in users:
        queue_email(
            to=user.email, template=template, context=context, language=user.preferred_language
        )


def _fmt_day(value) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return value.strftime("%d-%m-%Y")


def _lock_request(pk: int) -> SupportRequest:
    return SupportRequest.objects.select_for_update().get(pk=pk)


def _lock_invitation(pk: int) -> Invitation:
    return Invitation.objects.select_for_update().get(pk=pk)


def _mark(invitation: Invitation, to: str, **fields) -> bool:
    """Conditional update sent → `to`; False when the invitation was no longer sent."""
    changed = Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.SENT).update(
        status=to, **fields
    )
    if changed:
        invitation.status = to
        for name, value in fields.items():
            setattr(invitation, name, value)
    return bool(changed)


def _already_engaged() -> Conflict:
    return Conflict(
        _("Another partner was engaged for this request first."), code="already_engaged"
    )


def _not_open(invitation: Invitation) -> Conflict:
    """The refusal for acting on an invitation that is no longer sent, in words for people."""
    if (
        invitation.status == InvitationStatus.WITHDRAWN
        and Engagement.objects.live()
        .filter(request_id=invitation.request_id)
        .exclude(invitation=invitation)
        .exists()
    ):
        return _already_engaged()
    messages = {
        InvitationStatus.ACCEPTED: (_("This invitation was already accepted."), "accepted"),
        InvitationStatus.DECLINED: (_("This invitation was declined."), "declined"),
        InvitationStatus.EXPIRED: (
            _("This invitation has expired: the date to respond has passed."),
            "expired",
        ),
        InvitationStatus.WITHDRAWN: (
            _("This invitation was withdrawn by the care organisation."),
            "withdrawn",
        ),
    }
    message, code = messages[invitation.status]
    return Conflict(message, code=f"invitation_{code}")


def _expired(invitation: Invitation) -> Conflict:
    return Conflict(
        _("This invitation has expired: the date to respond has passed."),
        code="invitation_expired",
    )


# --- sending ----------------------------------------------------------------------------------


def _check_respond_before(request: SupportRequest, respond_before: datetime) -> datetime:
    if respond_before is None:
        raise DomainError(
            _("Choose a date to respond by."), code="required", field="respond_before"
        )
    if timezone.is_naive(respond_before):
        respond_before = timezone.make_aware(respond_before)
    if respond_before <= timezone.now():
        raise DomainError(
            _("The date to respond by must be in the future."), field="respond_before"
        )
    if timezone.localtime(respond_before).date() > request.period_end:
        raise DomainError(
            _("The date to respond by cannot be after the end of the request's period (%(end)s).")
            % {"end": _fmt_day(request.period_end)},
            field="respond_before",
        )
    return respond_before


def _send_one(
    *,
    actor: User,
    request: SupportRequest,
    partner: PartnerProfile,
    respond_before: datetime,
    message: str,
    proposal: Proposal | None,
) -> Invitation:
    """Invite one partner; the caller holds the request lock and checked the care side."""
    partner = PartnerProfile.objects.select_related("organisation", "user").get(pk=partner.pk)
    if not partner.is_listed:
        raise DomainError(
            _("%(partner)s is not listed in the directory (not published or not verified).")
            % {"partner": partner.display_name},
            code="partner_not_listed",
            field="partner",
        )
    if proposal is not None and (
        proposal.request_id != request.pk or proposal.partner_id != partner.pk
    ):
        raise DomainError(
            _("This proposal belongs to another request or partner."), field="proposal"
        )
    existing = Invitation.objects.filter(
        request=request, partner=partner, status=InvitationStatus.SENT
    ).first()
    if existing is not None:
        return existing  # idempotent: the open invitation stands
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                request=request,
                partner=partner,
                proposal=proposal,
                message=message,
                respond_before=respond_before,
                invited_by=actor,
            )
    except IntegrityError:
        # Someone sent the same invitation between our check and insert.
        return Invitation.objects.get(
            request=request, partner=partner, status=InvitationStatus.SENT
        )
    audit.record(
        actor=actor,
        action="request_invitation.sent",
        obj=invitation,
        organisation=request.organisation,
        request=request.pk,
        partner=partner.pk,
        proposed=proposal is not None,
        respond_before=respond_before.isoformat(),
    )
    _email(
        _partner_contacts(partner),
        "engagement_invitation",
        {
            "organisation": request.organisation.name,
            "partner": partner.display_name,
            "title": request.title,
            "respond_before": _fmt_day(respond_before),
            "has_message": bool(message),
            "url": _url("engagements:invitation_detail", invitation.pk),
        },
    )
    return invitation


def _prepare_sending(*, actor: User, request: SupportRequest) -> SupportRequest:
    request = (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=request.pk)
    )
    ensure_role(actor, request.organisation, *MANAGER_ROLES)
    ensure_can_transact(request.organisation)
    if request.status not in INVITABLE_STATUSES:
        raise Conflict(
            _("Partners can only be invited for an open request; this one is %(status)s.")
            % {"status": request.get_status_display().lower()},
            code="request_not_open",
        )
    return request


def _start_matching(*, actor: User, request: SupportRequest) -> None:
    if request.status == Status.OPEN:
        # Permission checked by the caller (request_start_matching would check it again).
        lifecycle.transition(request, to=Status.MATCHING, actor=actor)


@transaction.atomic
def invitation_send(
    *,
    actor: User,
    request: SupportRequest,
    partner: PartnerProfile,
    respond_before: datetime,
    message: str = "",
    proposal: Proposal | None = None,
) -> Invitation:
    """A coordinator invites one partner for a request (proposed by matching, or from the
    directory when `proposal` is None). Sending again while it is open returns the same one."""
    request = _prepare_sending(actor=actor, request=request)
    respond_before = _check_respond_before(request, respond_before)
    message = _guard(message, "message", MESSAGE_MAX)
    invitation = _send_one(
        actor=actor,
        request=request,
        partner=partner,
        respond_before=respond_before,
        message=message,
        proposal=proposal,
    )
    _start_matching(actor=actor, request=request)
    return invitation


@transaction.atomic
def invitations_send(
    *,
    actor: User,
    request: SupportRequest,
    proposals: list[Proposal],
    respond_before: datetime,
    message: str = "",
) -> list[Invitation]:
    """Invite the partners of several proposals at once, with one date and message: all are
    sent or none."""
    if not proposals:
        raise DomainError(_("Choose at least one partner to invite."), field="proposals")
    request = _prepare_sending(actor=actor, request=request)
    respond_before = _check_respond_before(request, respond_before)
    message = _guard(message, "message", MESSAGE_MAX)
    invitations = [
        _send_one(
            actor=actor,
            request=request,
            partner=proposal.partner,
            respond_before=respond_before,
            message=message,
            proposal=proposal,
        )
        for proposal in sorted(proposals, key=lambda p: p.partner_id)
    ]
    _start_matching(actor=actor, request=request)
    return invitations


# --- responding -------------------------------------------------------------------------------


@dataclass
class _Outcome:
    engagement: Engagement | None = None
    refusal: Conflict | None = None


def invitation_accept(
    *,
    actor: User,
    invitation: Invitation,
    hourly_rate=None,
    max_hours=None,
    rate_above_cap_reason: str = "",
) -> Engagement:
    """The partner side accepts: the first acceptance of a request creates its engagement,
    withdraws the other open invitations and marks the request filled.

    When another partner was engaged first (or the request closed meanwhile), this invitation
    is withdrawn and that withdrawal is committed before the Conflict is raised.
    """
    outcome = _accept(
        actor=actor,
        invitation=invitation,
        hourly_rate=hourly_rate,
        max_hours=max_hours,
        rate_above_cap_reason=rate_above_cap_reason,
    )
    if outcome.refusal is not None:
        raise outcome.refusal
    return outcome.engagement


@transaction.atomic
def _accept(
    *, actor: User, invitation: Invitation, hourly_rate, max_hours, rate_above_cap_reason
) -> _Outcome:
    request_id, partner_id = (
        Invitation.objects.filter(pk=invitation.pk).values_list("request_id", "partner_id").get()
    )
    if not manages_partner(actor, partner_id):
        raise PermissionDenied(_("Only the invited partner can accept this invitation."))
    # The request row first: concurrent acceptances for one request queue here.
    request = _lock_request(request_id)
    invitation = _lock_invitation(invitation.pk)
    if invitation.status == InvitationStatus.ACCEPTED:
        return _Outcome(engagement=Engagement.objects.get(invitation=invitation))
    if invitation.status != InvitationStatus.SENT:
        raise _not_open(invitation)
    if invitation.respond_before <= timezone.now():
        raise _expired(invitation)
    request = SupportRequest.objects.select_related(
        "organisation", "expertise", "created_by", "neighbourhood"
    ).get(pk=request.pk)
    if Engagement.objects.live().filter(request=request).exists():
        return _Outcome(refusal=_withdraw_lost(invitation, request, _already_engaged()))
    if request.status not in INVITABLE_STATUSES:
        refusal = Conflict(
            _("This request is %(status)s and no longer takes partners.")
            % {"status": request.get_status_display().lower()},
            code="request_not_open",
        )
        return _Outcome(refusal=_withdraw_lost(invitation, request, refusal))
    partner = PartnerProfile.objects.select_related("organisation", "user").get(pk=partner_id)
    rate = partner.hourly_rate if hourly_rate is None else _amount(hourly_rate, "hourly_rate")
    hours = request.hours_estimated if max_hours is None else _amount(max_hours, "max_hours")
    if rate < 0:
        raise DomainError(_("The hourly rate cannot be negative."), field="hourly_rate")
    if hours <= 0 or hours > request.hours_estimated:
        raise DomainError(
            _("The maximum hours must be more than 0 and at most the %(hours)s hours asked.")
            % {"hours": request.hours_estimated},
            field="max_hours",
        )
    reason = _allowance_rate_reason(
        partner, partner.compensation_mode, rate, request.period_start, rate_above_cap_reason
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            engagement = Engagement.objects.create(
                organisation=request.organisation,
                partner=partner,
                request=request,
                invitation=invitation,
                activity=request.expertise,
                description=request.title,
                hourly_rate=rate,
                max_hours=hours,
                period_start=request.period_start,
                period_end=request.period_end,
                compensation_mode=partner.compensation_mode,
                reference_rate=reference_rate_for(
                    request.neighbourhood.municipality_id,
                    request.period_start.year,
                    request.expertise_id,
                ),
                rate_above_cap_reason=reason,
                created_by=actor,
            )
    except IntegrityError:
        raise _already_engaged() from None
    _mark(invitation, InvitationStatus.ACCEPTED, responded_by=actor, responded_at=now)
    withdrawn = _withdraw_others(request, keep=invitation.pk)
    lifecycle.transition(request, to=Status.FILLED, actor=actor, engagement=engagement.pk)
    audit.record(
        actor=actor,
        action="request_invitation.accepted",
        obj=invitation,
        organisation=request.organisation,
        engagement=engagement.pk,
    )
    audit.record(
        actor=actor,
        action="engagement.created",
        obj=engagement,
        organisation=request.organisation,
        request=request.pk,
        invitation=invitation.pk,
        hourly_rate=str(rate),
        max_hours=str(hours),
        withdrawn=[w.pk for w in withdrawn],
    )
    invitation.request = request
    _email(
        _care_contacts(invitation),
        "engagement_invitation_accepted",
        {
            "partner": partner.display_name,
            "title": request.title,
            "hourly_rate": str(rate),
            "max_hours": str(hours),
            "url": _url("engagements:detail", engagement.pk),
        },
    )
    for other in withdrawn:
        _email_withdrawn(other, request, other_engaged=True)
    return _Outcome(engagement=engagement)


def _withdraw_lost(invitation: Invitation, request: SupportRequest, refusal: Conflict) -> Conflict:
    if _mark(invitation, InvitationStatus.WITHDRAWN):
        audit.record(
            actor=None,
            action="request_invitation.withdrawn",
            obj=invitation,
            organisation=request.organisation,
            reason=refusal.code,
        )
    return refusal


def _withdraw_others(request: SupportRequest, *, keep: int) -> list[Invitation]:
    others = list(
        Invitation.objects.select_for_update()
        .filter(request=request, status=InvitationStatus.SENT)
        .exclude(pk=keep)
        .order_by("pk")
    )
    withdrawn = [other for other in others if _mark(other, InvitationStatus.WITHDRAWN)]
    for other in withdrawn:
        audit.record(
            actor=None,
            action="request_invitation.withdrawn",
            obj=other,
            organisation=request.organisation,
            reason="another_partner_engaged",
        )
    return withdrawn


def _email_withdrawn(invitation: Invitation, request: SupportRequest, *, other_engaged: bool):
    partner = PartnerProfile.objects.select_related("organisation", "user").get(
        pk=invitation.partner_id
    )
    _email(
        _partner_contacts(partner),
        "engagement_invitation_withdrawn",
        {
            "organisation": request.organisation.name,
            "partner": partner.display_name,
            "title": request.title,
            "other_engaged": other_engaged,
            "url": _url("engagements:invitation_detail", invitation.pk),
        },
    )


@transaction.atomic
def invitation_decline(*, actor: User, invitation: Invitation, reason: str = "") -> Invitation:
    """The partner side declines, optionally saying why (the reason is privacy-guarded)."""
    invitation = _lock_invitation(invitation.pk)
    if not manages_partner(actor, invitation.partner_id):
        raise PermissionDenied(_("Only the invited partner can decline this invitation."))
    if invitation.status == InvitationStatus.DECLINED:
        return invitation
    if invitation.status != InvitationStatus.SENT:
        raise _not_open(invitation)
    if invitation.respond_before <= timezone.now():
        raise _expired(invitation)
    reason = _guard(reason, "reason", REASON_MAX)
    _mark(
        invitation,
        InvitationStatus.DECLINED,
        responded_by=actor,
        responded_at=timezone.now(),
        decline_reason=reason,
    )
    invitation = Invitation.objects.select_related(
        "request__organisation", "request__created_by", "partner", "invited_by"
    ).get(pk=invitation.pk)
    request = invitation.request
    audit.record(
        actor=actor,
        action="request_invitation.declined",
        obj=invitation,
        organisation=request.organisation,
        has_reason=bool(reason),  # the reason itself is free text: not in the audit trail
    )
    _email(
        _care_contacts(invitation),
        "engagement_invitation_declined",
        {
            "partner": invitation.partner.display_name,
            "title": request.title,
            "reason": reason,
            "nobody_left": _nobody_left(request),
            "url": _url("engagements:proposals", request.pk),
        },
    )
    return invitation


def _nobody_left(request: SupportRequest) -> bool:
    return not (
        Invitation.objects.filter(request=request, status=InvitationStatus.SENT).exists()
        or Engagement.objects.live().filter(request=request).exists()
    )


@transaction.atomic
def invitation_withdraw(*, actor: User, invitation: Invitation) -> Invitation:
    """The care side takes back an invitation nobody answered yet."""
    request_id = Invitation.objects.filter(pk=invitation.pk).values_list("request_id", flat=True)
    request = SupportRequest.objects.select_related("organisation").get(pk__in=request_id)
    ensure_role(actor, request.organisation, *MANAGER_ROLES)
    _lock_request(request.pk)
    invitation = _lock_invitation(invitation.pk)
    if invitation.status == InvitationStatus.WITHDRAWN:
        return invitation
    if invitation.status != InvitationStatus.SENT:
        raise _not_open(invitation)
    _mark(invitation, InvitationStatus.WITHDRAWN)
    audit.record(
        actor=actor,
        action="request_invitation.withdrawn",
        obj=invitation,
        organisation=request.organisation,
        reason="withdrawn_by_care_organisation",
    )
    _email_withdrawn(invitation, request, other_engaged=False)
    return invitation


def invitations_expire(*, batch_size: int = EXPIRE_BATCH) -> int:
    """Beat: sent invitations past their date become expired. Bounded batches, each its own
    transaction; rows another worker holds are skipped (picked up next run); the conditional
    update makes a second run expire nothing. When a request's last open invitation ends this
    way without an engagement, its coordinators hear that nobody accepted."""
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(
                Invitation.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("request__organisation")
                .filter(status=InvitationStatus.SENT, respond_before__lte=timezone.now())
                .order_by("pk")[:batch_size]
            )
            ended: set[int] = set()
            for invitation in batch:
                if not _mark(invitation, InvitationStatus.EXPIRED):
                    continue
                expired += 1
                ended.add(invitation.request_id)
                audit.record(
                    actor=None,
                    action="request_invitation.expired",
                    obj=invitation,
                    organisation=invitation.request.organisation,
                    respond_before=invitation.respond_before.isoformat(),
                )
            for request in SupportRequest.objects.filter(pk__in=ended).select_related(
                "organisation", "created_by"
            ):
                _tell_nobody_accepted(request)
        if len(batch) < batch_size:
            return expired


def _tell_nobody_accepted(request: SupportRequest) -> None:
    if request.status != Status.MATCHING or not _nobody_left(request):
        return
    inviters = User.objects.filter(
        pk__in=Invitation.objects.filter(request=request).values("invited_by")
    ).order_by("pk")
    _email(
        _distinct([request.created_by, *inviters]),
        "engagement_nobody_accepted",
        {"title": request.title, "url": _url("engagements:proposals", request.pk)},
    )


def _allowance_rate_reason(partner, mode: str, rate, on_date: date, reason: str) -> str:
    """An allowance above the legal hourly guideline needs a stated reason (payments.allowance
    decides; imported here because payments builds on engagements, not the other way)."""
    from payments.allowance import check_agreed_rate

    if reason:
        reason = _guard(reason, "rate_above_cap_reason", 300)
    return check_agreed_rate(
        partner=partner, compensation_mode=mode, rate=rate, on_date=on_date, reason=reason
    )


# --- booking an offer -------------------------------------------------------------------------


def offer_hourly_rate(offer: Offer) -> Decimal:
    """An hourly offer's price is the rate; a fixed price is spread over the offer's hours."""
    if offer.pricing == PricingUnit.HOURLY:
        return quantize(offer.price)
    return (Decimal(offer.price) / Decimal(offer.duration_hours)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _booking_organisation(actor: User, organisation: Organisation | None) -> Organisation:
    if organisation is None:
        choices = organisations_posting_for(actor)
        if not choices:
            raise PermissionDenied(
                _("Only coordinators of a care organisation can book an offer."),
            )
        if len(choices) > 1:
            raise DomainError(
                _("You coordinate for several organisations: choose one."),
                field="organisation",
            )
        organisation = choices[0]
    organisation = Organisation.objects.get(pk=organisation.pk)
    ensure_role(actor, organisation, *MANAGER_ROLES)
    if organisation.kind != OrganisationKind.CARE:
        raise PermissionDenied(
            _("Only care organisations book offers."), code="not_a_care_organisation"
        )
    ensure_can_transact(organisation)
    return organisation


@transaction.atomic
def offer_book(
    *,
    actor: User,
    offer: Offer,
    period_start: date,
    period_end: date,
    hours=None,
    note: str = "",
    organisation: Organisation | None = None,
    rate_above_cap_reason: str = "",
) -> Engagement:
    """A coordinator books a partner's published offer directly: an engagement without a
    request. Booking the same offer for the same period again returns the same engagement."""
    organisation = _booking_organisation(actor, organisation)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if not Offer.objects.listed().filter(pk=offer.pk).exists():
        raise Conflict(
            _("This offer is not published in the directory any more."), code="offer_not_listed"
        )
    if period_start is None or period_end is None:
        raise DomainError(_("Choose the period."), code="required", field="period_start")
    if period_start < timezone.localdate():
        raise DomainError(_("The period cannot start in the past."), field="period_start")
    if period_end < period_start:
        raise DomainError(_("The period cannot end before it starts."), field="period_end")
    max_hours = offer.duration_hours if hours in (None, "") else _amount(hours, "hours")
    if max_hours <= 0:
        raise DomainError(_("The hours must be more than 0."), field="hours")
    note = _guard(note, "note", NOTE_MAX)
    existing = Engagement.objects.filter(
        organisation=organisation,
        offer=offer,
        period_start=period_start,
        period_end=period_end,
        status=EngagementStatus.ACTIVE,
    ).first()
    if existing is not None:
        return existing
    partner = PartnerProfile.objects.select_related("organisation", "user").get(pk=offer.partner_id)
    rate = offer_hourly_rate(offer)
    reason = _allowance_rate_reason(
        partner, partner.compensation_mode, rate, period_start, rate_above_cap_reason
    )
    engagement = Engagement.objects.create(
        organisation=organisation,
        partner=partner,
        offer=offer,
        activity_id=offer.expertise_id,
        description=note or offer.title,
        hourly_rate=rate,
        max_hours=max_hours,
        period_start=period_start,
        period_end=period_end,
        compensation_mode=partner.compensation_mode,
        # A booked offer has no request: the care organisation's municipality buys the work.
        reference_rate=reference_rate_for(
            organisation.municipality_id, period_start.year, offer.expertise_id
        ),
        rate_above_cap_reason=reason,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="engagement.booked",
        obj=engagement,
        organisation=organisation,
        offer=offer.pk,
        hourly_rate=str(rate),
        max_hours=str(max_hours),
    )
    _email(
        _partner_contacts(partner),
        "engagement_offer_booked",
        {
            "organisation": organisation.name,
            "partner": partner.display_name,
            "offer": offer.title,
            "period_start": _fmt_day(period_start),
            "period_end": _fmt_day(period_end),
            "hourly_rate": str(rate),
            "max_hours": str(max_hours),
            "url": _url("engagements:detail", engagement.pk),
        },
    )
    return engagement


# --- ending an engagement ---------------------------------------------------------------------


def _lock_engagement(engagement: Engagement) -> Engagement:
    request_id = (
        Engagement.objects.filter(pk=engagement.pk).values_list("request_id", flat=True).get()
    )
    if request_id is not None:
        _lock_request(request_id)  # same order as acceptance: request, then engagement
    Engagement.objects.select_for_update().get(pk=engagement.pk)
    return Engagement.objects.select_related(
        "organisation",
        "partner__organisation",
        "partner__user",
        "request__created_by",
        "invitation__invited_by",
        "created_by",
    ).get(pk=engagement.pk)


@transaction.atomic
def engagement_complete(
    *, actor: User, engagement: Engagement, rating: int | None = None, on_time: bool | None = None
) -> Engagement:
    """The care side marks the work done and gives the feedback that feeds the track record.
    A request it filled is completed with it."""
    engagement = _lock_engagement(engagement)
    ensure_role(actor, engagement.organisation, *MANAGER_ROLES)
    if engagement.status == EngagementStatus.COMPLETED:
        return engagement
    if engagement.status != EngagementStatus.ACTIVE:
        raise Conflict(_("A cancelled engagement cannot be completed."), code="not_active")
    if rating is not None and not (isinstance(rating, int) and 1 <= rating <= 5):
        raise DomainError(_("Give a rating from 1 to 5."), field="rating")
    now = timezone.now()
    changed = Engagement.objects.filter(pk=engagement.pk, status=EngagementStatus.ACTIVE).update(
        status=EngagementStatus.COMPLETED,
        completed_at=now,
        feedback_rating=rating,
        feedback_on_time=on_time,
    )
    if changed != 1:  # pragma: no cover - the row is locked
        raise Conflict(_("This engagement was changed meanwhile."), code="concurrent_change")
    engagement.status, engagement.completed_at = EngagementStatus.COMPLETED, now
    engagement.feedback_rating, engagement.feedback_on_time = rating, on_time
    request = engagement.request
    if request is not None:
        if request.status == Status.FILLED:
            lifecycle.transition(request, to=Status.IN_PROGRESS, actor=actor)
        if request.status == Status.IN_PROGRESS:
            lifecycle.transition(request, to=Status.COMPLETED, actor=actor)
    audit.record(
        actor=actor,
        action="engagement.completed",
        obj=engagement,
        organisation=engagement.organisation,
        rating=rating,
        on_time=on_time,
    )
    _email(
        _partner_contacts(engagement.partner),
        "engagement_completed",
        {
            "organisation": engagement.organisation.name,
            "partner": engagement.partner.display_name,
            "title": engagement.description or str(engagement.activity),
            "url": _url("engagements:detail", engagement.pk),
        },
    )
    return engagement


def _reopen_request(actor: User, engagement: Engagement) -> None:
    """A called-off engagement gives its request back to matching while there is time left."""
    if engagement.request_id is None:
        return
    request = SupportRequest.objects.select_for_update().get(pk=engagement.request_id)
    reopenable = request.status in (Status.FILLED, Status.IN_PROGRESS)
    if reopenable and request.period_end >= timezone.localdate():
        lifecycle.transition(
            request,
            to=Status.MATCHING,
            actor=actor,
            system=True,
            engagement_cancelled=engagement.pk,
        )


@transaction.atomic
def engagement_cancel(*, actor: User, engagement: Engagement, reason: str = "") -> Engagement:
    """Either side calls off agreed work that has not been completed; the other side hears it."""
    engagement = _lock_engagement(engagement)
    care_side = is_care_side(actor, engagement.organisation_id)
    if not (care_side or manages_partner(actor, engagement.partner_id)):
        raise PermissionDenied(_("Only the two sides of an engagement can cancel it."))
    if engagement.status == EngagementStatus.CANCELLED:
        return engagement
    if engagement.status != EngagementStatus.ACTIVE:
        raise Conflict(_("A completed engagement cannot be cancelled."), code="not_active")
    reason = _guard(reason, "reason", REASON_MAX)
    Engagement.objects.filter(pk=engagement.pk, status=EngagementStatus.ACTIVE).update(
        status=EngagementStatus.CANCELLED
    )
    engagement.status = EngagementStatus.CANCELLED
    _reopen_request(actor, engagement)
    audit.record(
        actor=actor,
        action="engagement.cancelled",
        obj=engagement,
        organisation=engagement.organisation,
        by="care" if care_side else "partner",
        has_reason=bool(reason),
    )
    other_side = (
        _partner_contacts(engagement.partner)
        if care_side
        else _engagement_care_contacts(engagement)
    )
    _email(
        other_side,
        "engagement_cancelled",
        {
            "organisation": engagement.organisation.name,
            "partner": engagement.partner.display_name,
            "title": engagement.description or str(engagement.activity),
            "by_care": care_side,
            "reason": reason,
            "url": _url("engagements:detail", engagement.pk),
        },
    )
    return engagement
