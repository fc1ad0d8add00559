"""Pages for proposals, invitations, engagements and offer bookings. Thin: form → service →
redirect; a service's refusal lands on the field it concerns (or as a message).

The care side (coordinators and admins of the care organisation) sees a request's ranked
proposals, invites partners and follows up; the partner side (a key person, or the admin of
the MZO that dispatches them) answers invitations. Both see their engagements. Everything is
read through the scoped selectors, so another organisation gets a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from marketplace import engagement_selectors as selectors
from marketplace.engagement_forms import (
    BookOfferForm,
    CancelForm,
    CompleteForm,
    DeclineForm,
    DirectoryInviteForm,
    InviteDetailsForm,
    ProposalSelectionForm,
)
from marketplace.errors import DomainError
from marketplace.models import EngagementStatus, Invitation, InvitationStatus
from marketplace.services import engagements as services
from marketplace.time_entry_selectors import hours_used
from marketplace.views import form_error
from partners.models import CompensationMode, Offer
from payments.rates import parity_percentage
from requests.models import SupportRequest
from requests.selectors import organisations_posting_for

PAGE_SIZE = 20


def allowance_rate_needs_reason(partner, rate) -> bool:
    """Whether agreeing `rate` with `partner` needs a stated reason (an allowance above the
    legal hourly guideline, today); the service decides for the agreed period."""
    from payments.allowance import rate_needs_reason

    if partner.compensation_mode != CompensationMode.ALLOWANCE:
        return False
    try:
        return rate_needs_reason(partner, timezone.localdate(), rate) is not None
    except DomainError:
        return False


def propose_partners(*, actor, request: SupportRequest) -> list | None:
    """Run the matching engine for `request` (it stores Proposal rows and excludes partners
    who declined). None while the engine's service is not installed. The one place that
    knows where matching lives."""
    try:
        from marketplace.matching.services import proposals_create
    except ImportError:
        return None
    return proposals_create(actor=actor, request=request)


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _managed_request(request: HttpRequest, pk: int) -> SupportRequest:
    return get_object_or_404(SupportRequest.objects.managed_by(request.user).with_details(), pk=pk)


# --- the care side: proposals and invitations -------------------------------------------------


@login_required
def proposals(request: HttpRequest, request_pk: int) -> HttpResponse:
    """Ranked proposals with their explanation; tick several partners and invite them at once."""
    support_request = _managed_request(request, request_pk)
    ranked = selectors.latest_proposals(support_request)
    data = request.POST if request.method == "POST" else None
    selection = ProposalSelectionForm(data, proposals=ranked)
    details = InviteDetailsForm(data, support_request=support_request)
    if request.method == "POST" and selection.is_valid() and details.is_valid():
        try:
            sent = services.invitations_send(
                actor=request.user,
                request=support_request,
                proposals=selection.chosen(),
                respond_before=services.respond_before_end_of(
                    details.cleaned_data["respond_before"]
                ),
                message=details.cleaned_data["message"],
            )
        except DomainError as exc:
            form_error(selection if exc.field == "proposals" else details, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(names)s.")
                % {"names": ", ".join(i.partner.display_name for i in sent)},
            )
            return redirect("engagements:proposals", request_pk=support_request.pk)
    invitations = selectors.with_invitation_details(
        Invitation.objects.filter(request=support_request)
    ).order_by(
        Case(
            When(status=InvitationStatus.SENT, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "-created_at",
    )
    engagement = support_request.engagements.select_related("partner").first()
    return render(
        request,
        "engagements/proposals.html",
        {
            "support_request": support_request,
            "proposals": ranked,
            "selection": selection,
            "form": details,
            "invitations": invitations,
            "engagement": engagement,
            "chosen": {int(v) for v in request.POST.getlist("proposals") if v.isdigit()},
            "can_invite": support_request.status in services.INVITABLE_STATUSES,
            "can_select": bool(selection.proposals),
            "nobody_accepted": selectors.nobody_accepted(support_request),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def propose(request: HttpRequest, request_pk: int) -> HttpResponse:
    """(Re-)run matching: new proposals, without the partners who declined."""
    support_request = _managed_request(request, request_pk)
    try:
        made = propose_partners(actor=request.user, request=support_request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if made is None:
            messages.error(
                request,
                _(
                    "Automatic proposals are not available yet. Invite someone from the "
                    "directory instead."
                ),
            )
        elif not made:
            messages.info(
                request,
                _("Nobody in the directory fits this request now. Try the directory yourself."),
            )
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d partner proposed, best match first.",
                    "%(n)d partners proposed, best match first.",
                    len(made),
                )
                % {"n": len(made)},
            )
    return redirect("engagements:proposals", request_pk=support_request.pk)


@login_required
def invite_partner(request: HttpRequest, request_pk: int) -> HttpResponse:
    """Invite someone matching did not propose (recorded without a proposal)."""
    support_request = _managed_request(request, request_pk)
    initial = {"partner": request.GET.get("partner", "")}
    form = DirectoryInviteForm(
        request.POST or None, support_request=support_request, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_send(
                actor=request.user,
                request=support_request,
                partner=form.cleaned_data["partner"],
                respond_before=services.respond_before_end_of(form.cleaned_data["respond_before"]),
                message=form.cleaned_data["message"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(name)s.") % {"name": invitation.partner.display_name},
            )
            return redirect("engagements:proposals", request_pk=support_request.pk)
    return render(
        request,
        "engagements/invite_partner.html",
        {"support_request": support_request, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _visible_invitation(request, pk)
    try:
        services.invitation_withdraw(actor=request.user, invitation=invitation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The invitation is withdrawn."))
    if selectors.is_care_side(request.user, invitation.request.organisation_id):
        return redirect("engagements:proposals", request_pk=invitation.request_id)
    return redirect("engagements:invitation_detail", pk=pk)


# --- the partner side: invitations --------------------------------------------------------------


def _visible_invitation(request: HttpRequest, pk: int) -> Invitation:
    return get_object_or_404(
        selectors.with_invitation_details(selectors.invitations_visible_to(request.user)), pk=pk
    )


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    """My invitations: those waiting for an answer first, then earlier ones."""
    mine = selectors.with_invitation_details(selectors.invitations_for_partner_side(request.user))
    now = timezone.now()
    waiting = mine.filter(status=InvitationStatus.SENT, respond_before__gt=now).order_by(
        "respond_before", "pk"
    )
    earlier = mine.exclude(pk__in=waiting.values("pk")).order_by("-created_at", "-pk")
    return render(
        request,
        "engagements/invitation_list.html",
        {"waiting": waiting, "page": _page(request, earlier)},
    )


def _invitation_page(
    request: HttpRequest, invitation: Invitation, *, decline_form=None, status: int = 200
) -> HttpResponse:
    is_partner = selectors.manages_partner(request.user, invitation.partner_id)
    is_care = selectors.is_care_side(request.user, invitation.request.organisation_id)
    open_now = (
        invitation.status == InvitationStatus.SENT and invitation.respond_before > timezone.now()
    )
    return render(
        request,
        "engagements/invitation_detail.html",
        {
            "invitation": invitation,
            "support_request": invitation.request,
            "partner": invitation.partner,
            "can_respond": is_partner and open_now,
            "can_withdraw": is_care and invitation.status == InvitationStatus.SENT,
            "is_care": is_care,
            "engagement": getattr(invitation, "engagement", None),
            "decline_form": decline_form or DeclineForm(),
            "rate_reason_needed": is_partner
            and open_now
            and allowance_rate_needs_reason(invitation.partner, invitation.partner.hourly_rate),
        },
        status=status,
    )


@login_required
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_page(request, _visible_invitation(request, pk))


@login_required
@require_POST
def invitation_accept(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _visible_invitation(request, pk)
    try:
        engagement = services.invitation_accept(
            actor=request.user,
            invitation=invitation,
            rate_above_cap_reason=request.POST.get("rate_above_cap_reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("engagements:invitation_detail", pk=pk)
    messages.success(request, _("Accepted. The care organisation has been told."))
    return redirect("engagements:detail", pk=engagement.pk)


@login_required
@require_POST
def invitation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _visible_invitation(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _invitation_page(request, invitation, decline_form=form, status=400)
    try:
        services.invitation_decline(
            actor=request.user, invitation=invitation, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        if exc.field == "reason":
            form_error(form, exc)
            return _invitation_page(request, invitation, decline_form=form, status=400)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Declined. Thank you for letting them know."))
    return redirect("engagements:invitation_detail", pk=pk)


# --- engagements ------------------------------------------------------------------------------


@login_required
def engagement_list(request: HttpRequest) -> HttpResponse:
    engagements = selectors.with_engagement_details(
        selectors.engagements_visible_to(request.user)
    ).order_by(
        Case(
            When(status=EngagementStatus.ACTIVE, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "-created_at",
        "-pk",
    )
    return render(
        request, "engagements/engagement_list.html", {"page": _page(request, engagements)}
    )


def _visible_engagement(request: HttpRequest, pk: int):
    return get_object_or_404(
        selectors.with_engagement_details(selectors.engagements_visible_to(request.user)), pk=pk
    )


def _compensation_label(mode: str) -> str:
    return str(CompensationMode(mode).label) if mode in CompensationMode.values else mode


def _engagement_page(
    request: HttpRequest, engagement, *, complete_form=None, cancel_form=None, status: int = 200
) -> HttpResponse:
    is_care = selectors.is_care_side(request.user, engagement.organisation_id)
    is_partner = selectors.manages_partner(request.user, engagement.partner_id)
    active = engagement.status == EngagementStatus.ACTIVE
    return render(
        request,
        "engagements/engagement_detail.html",
        {
            "engagement": engagement,
            "compensation": _compensation_label(engagement.compensation_mode),
            "is_care": is_care,
            "is_partner": is_partner,
            "can_complete": is_care and active,
            "can_cancel": (is_care or is_partner) and active,
            "complete_form": complete_form or CompleteForm(),
            "parity": parity_percentage(engagement.hourly_rate, engagement.reference_rate),
            "hours_used": hours_used(engagement),
            "cancel_form": cancel_form or CancelForm(),
            "allowance_notice": _allowance_notice(engagement) if is_care or is_partner else None,
        },
        status=status,
    )


def _allowance_notice(engagement) -> str | None:
    """The volunteer nears an allowance cap (payments.allowance): shown on allowance work."""
    from payments.allowance import allowance_notice

    if engagement.compensation_mode != CompensationMode.ALLOWANCE:
        return None
    return allowance_notice(engagement.partner, timezone.localdate())


@login_required
def engagement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _engagement_page(request, _visible_engagement(request, pk))


@login_required
@require_POST
def engagement_complete(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _visible_engagement(request, pk)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        return _engagement_page(request, engagement, complete_form=form, status=400)
    try:
        services.engagement_complete(
            actor=request.user,
            engagement=engagement,
            rating=form.cleaned_data["rating"],
            on_time=form.cleaned_data["on_time"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Marked as completed. Thank you for the feedback."))
    return redirect("engagements:detail", pk=pk)


@login_required
@require_POST
def engagement_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _visible_engagement(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _engagement_page(request, engagement, cancel_form=form, status=400)
    try:
        services.engagement_cancel(
            actor=request.user, engagement=engagement, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        if exc.field == "reason":
            form_error(form, exc)
            return _engagement_page(request, engagement, cancel_form=form, status=400)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The engagement is cancelled. The other side has been told."))
    return redirect("engagements:detail", pk=pk)


# --- booking an offer -------------------------------------------------------------------------


@login_required
def offer_book(request: HttpRequest, offer_pk: int) -> HttpResponse:
    offer = get_object_or_404(
        Offer.objects.listed().select_related("partner", "expertise"), pk=offer_pk
    )
    organisations = organisations_posting_for(request.user)
    if not organisations:
        raise PermissionDenied(_("Only coordinators of a care organisation can book an offer."))
    form = BookOfferForm(
        request.POST or None,
        organisations=organisations,
        rate_reason_needed=allowance_rate_needs_reason(
            offer.partner, services.offer_hourly_rate(offer)
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            engagement = services.offer_book(
                actor=request.user,
                offer=offer,
                organisation=form.organisation,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                hours=form.cleaned_data["hours"],
                note=form.cleaned_data["note"],
                rate_above_cap_reason=form.cleaned_data.get("rate_above_cap_reason", ""),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Booked. The partner has been told."))
            return redirect("engagements:detail", pk=engagement.pk)
    return render(
        request,
        "engagements/book_offer.html",
        {
            "offer": offer,
            "form": form,
            "hourly_rate": services.offer_hourly_rate(offer),
            "unverified": [o for o in organisations if not o.is_verified],
        },
        status=400 if request.method == "POST" else 200,
    )
