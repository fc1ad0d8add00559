"""Pages for hours, mounted at /hours/. Thin: form → service → redirect; a service's refusal
lands on the field it concerns, keeping what was typed.

- The partner side ("My hours"): per engagement a log form that works on a phone, the list with
  statuses, correcting or withdrawing hours that still wait, and the hours used of the maximum.
- The care side ("Hours to approve"): waiting hours grouped by engagement, approve several at
  once with checkboxes, reject one with a reason; raise an engagement's maximum hours.

Everything is read through the scoped selectors, so another organisation gets a 404.
"""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace import time_entry_selectors as selectors
from marketplace.errors import DomainError
from marketplace.models import EngagementStatus, TimeEntryStatus
from marketplace.services import time_entries as services
from marketplace.time_entry_forms import BulkApproveForm, MaxHoursForm, RejectForm, TimeEntryForm
from marketplace.views import form_error
from payments.rates import parity_percentage


def _back(request: HttpRequest, default: str, *args) -> HttpResponse:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default, *args)


def _visible_engagement(request: HttpRequest, pk: int):
    return get_object_or_404(
        selectors.engagements_with_hours_visible_to(request.user).select_related(
            "organisation", "partner", "activity", "request", "offer"
        ),
        pk=pk,
    )


def _visible_entry(request: HttpRequest, pk: int):
    return get_object_or_404(
        selectors.with_entry_details(selectors.time_entries_visible_to(request.user)), pk=pk
    )


# --- the partner side -------------------------------------------------------------------------


@login_required
def my_hours(request: HttpRequest) -> HttpResponse:
    engagements = selectors.with_hours(
        selectors.engagements_for_partner_side(request.user).select_related(
            "organisation", "partner", "activity"
        )
    ).order_by("status", "-period_start", "-pk")
    return render(request, "hours/my_hours.html", {"engagements": engagements})


def _engagement_page(
    request: HttpRequest, engagement, *, form=None, max_form=None, status: int = 200
) -> HttpResponse:
    is_partner = selectors.logs_for_partner(request.user, engagement.partner_id)
    is_care = selectors.approves_for(request.user, engagement.organisation_id)
    active = engagement.status == EngagementStatus.ACTIVE
    entries = selectors.with_entry_details(engagement.time_entries.all()).order_by(
        "-work_date", "-created_at"
    )
    return render(
        request,
        "hours/engagement.html",
        {
            "engagement": engagement,
            "used": selectors.hours_used(engagement),
            "entries": entries,
            "is_partner": is_partner,
            "is_care": is_care,
            "can_log": is_partner and active,
            "can_raise": is_care and active,
            "form": form or TimeEntryForm(engagement=engagement),
            "max_form": max_form or MaxHoursForm(),
            "reject_form": RejectForm(),
            "parity": parity_percentage(engagement.hourly_rate, engagement.reference_rate),
            "SUBMITTED": TimeEntryStatus.SUBMITTED,
        },
        status=status,
    )


@login_required
def engagement_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """An engagement's hours; a POST logs new hours (partner side)."""
    engagement = _visible_engagement(request, pk)
    if request.method != "POST":
        return _engagement_page(request, engagement)
    form = TimeEntryForm(request.POST, engagement=engagement)
    if form.is_valid():
        try:
            services.time_entry_log(actor=request.user, engagement=engagement, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("%(hours)s h logged. They wait for the care coordinator's approval.")
                % {"hours": services.fmt_hours(form.cleaned_data["hours"])},
            )
            return redirect("hours:engagement", pk=engagement.pk)
    return _engagement_page(request, engagement, form=form, status=400)


@login_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    engagement = entry.engagement
    initial = {
        "work_date": entry.work_date,
        "hours": entry.hours,
        "activity": entry.activity_id,
        "note": entry.note,
    }
    form = TimeEntryForm(request.POST or None, engagement=engagement, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.time_entry_update(actor=request.user, entry=entry, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Your hours are corrected."))
            return redirect("hours:engagement", pk=engagement.pk)
    return render(
        request,
        "hours/entry_edit.html",
        {"entry": entry, "engagement": engagement, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def entry_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    try:
        services.time_entry_withdraw(actor=request.user, entry=entry)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The hours are withdrawn."))
    return redirect("hours:engagement", pk=entry.engagement_id)


# --- the care side ----------------------------------------------------------------------------


def _grouped(entries) -> list[tuple]:
    return [
        (engagement, list(items))
        for engagement, items in groupby(entries, key=lambda entry: entry.engagement)
    ]


@login_required
def to_approve(request: HttpRequest, form=None, status: int = 200) -> HttpResponse:
    entries = list(selectors.entries_awaiting_approval(request.user))
    return render(
        request,
        "hours/to_approve.html",
        {
            "groups": _grouped(entries),
            "form": form,
            "chosen": {int(v) for v in request.POST.getlist("entries") if v.isdigit()},
            "reject_form": RejectForm(),
        },
        status=status,
    )


@login_required
@require_POST
def approve_bulk(request: HttpRequest) -> HttpResponse:
    awaiting = selectors.entries_awaiting_approval(request.user)
    form = BulkApproveForm(request.POST, entry_ids=awaiting.values_list("pk", flat=True))
    if not form.is_valid():
        return to_approve(request, form=form, status=400)
    entries = list(awaiting.filter(pk__in=form.cleaned_data["entries"]))
    results = services.time_entries_approve(actor=request.user, entries=entries)
    approved = [r for r in results if r.approved]
    if approved:
        messages.success(request, services.approval_summary(results))
    for result in results:
        if not result.approved:
            messages.error(
                request,
                _("%(partner)s, %(date)s, %(hours)s h: %(reason)s")
                % {
                    "partner": result.entry.engagement.partner.display_name,
                    "date": result.entry.work_date.strftime("%d-%m-%Y"),
                    "hours": services.fmt_hours(result.entry.hours),
                    "reason": result.error.message,
                },
            )
    return redirect("hours:to_approve")


@login_required
@require_POST
def entry_approve(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    try:
        services.time_entry_approve(actor=request.user, entry=entry)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The hours are approved."))
    return _back(request, "hours:to_approve")


@login_required
def entry_reject(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.time_entry_reject(
                actor=request.user, entry=entry, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            if exc.field == "reason":
                form_error(form, exc)
            else:
                messages.error(request, exc.message)
                return _back(request, "hours:to_approve")
        else:
            messages.success(request, _("The hours are rejected. The partner has been told why."))
            return _back(request, "hours:to_approve")
    return render(
        request,
        "hours/entry_reject.html",
        {
            "entry": entry,
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def raise_max_hours(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _visible_engagement(request, pk)
    form = MaxHoursForm(request.POST)
    if form.is_valid():
        try:
            services.engagement_raise_max_hours(
                actor=request.user,
                engagement=engagement,
                max_hours=form.cleaned_data["max_hours"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The maximum hours are raised. The partner has been told."))
            return redirect("hours:engagement", pk=engagement.pk)
    return _engagement_page(request, engagement, max_form=form, status=400)
