"""Support-request pages. Thin: form → service → redirect; a service's refusal lands on the field
it concerns and the input is kept.

Coordinators see their organisations' requests (owner pages); partners see the open requests
relevant to them (partner pages, which never show internal notes).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.views import form_error
from requests import selectors, services
from requests.api.filters import SupportRequestFilter
from requests.forms import CancelForm, LanguagesForm, StatusFilterForm, SupportRequestForm
from requests.lifecycle import allowed_actions
from requests.models import Status, SupportRequest

PAGE_SIZE = 20
# The actions a coordinator takes on the detail page; start_matching and mark_filled belong to
# matching (proposals, invitations, engagements).
WEB_ACTIONS = ("publish", "start", "complete", "cancel")
# Lazy: a module-level dict would freeze the language active when it was first imported.
SUCCESS = {
    "publish": gettext_lazy("Published: partners can now see and respond to this request."),
    "start": gettext_lazy("The work has started."),
    "complete": gettext_lazy("Marked as completed."),
    "cancel": gettext_lazy("The request is cancelled."),
}
SERVICES = {
    "publish": services.request_publish,
    "start": services.request_start,
    "complete": services.request_complete,
}


def _page(request: HttpRequest, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """The requests of the care organisations you coordinate, filtered by status."""
    organisations = selectors.organisations_posting_for(request.user)
    base = SupportRequest.objects.managed_by(request.user).with_details()
    status_form = StatusFilterForm(request.GET or None)
    filters = SupportRequestFilter(request.GET, queryset=base)
    results = filters.qs if filters.is_valid() else base.none()
    page, query = _page(request, results)
    return render(
        request,
        "requests/list.html",
        {
            "organisations": organisations,
            "status_form": status_form,
            "page": page,
            "query": query,
            "can_post": bool(organisations),
            "is_partner": selectors.is_partner(request.user),
        },
    )


def _place_note(support_request: SupportRequest) -> str:
    """Say where the typed place was placed, so a surprise (a namesake elsewhere) shows at once."""
    return _("Place: %(place)s.") % {"place": support_request.place_label}


def _post_for(request: HttpRequest) -> list:
    organisations = selectors.organisations_posting_for(request.user)
    if not organisations:
        raise PermissionDenied(
            _("Only coordinators of a care organisation can post support requests.")
        )
    return organisations


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    organisations = _post_for(request)
    form = SupportRequestForm(request.POST or None, organisations=organisations)
    languages = LanguagesForm(request.POST or None, prefix="lang")
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        try:
            created = services.request_create(
                actor=request.user,
                organisation=form.organisation,
                languages=languages.needs(),
                publish=bool(request.POST.get("publish")),
                **form.service_fields(),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            saved = SUCCESS["publish"] if created.status == Status.OPEN else _("Saved as a draft.")
            messages.success(request, f"{saved} {_place_note(created)}")
            return redirect("requests:detail", pk=created.pk)
    return render(
        request,
        "requests/form.html",
        {
            "form": form,
            "languages": languages,
            "support_request": None,
            "unverified": [o for o in organisations if not o.is_verified],
        },
    )


def _managed(request: HttpRequest, pk: int) -> SupportRequest:
    return get_object_or_404(SupportRequest.objects.managed_by(request.user).with_details(), pk=pk)


@login_required
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = _managed(request, pk)
    if support_request.status not in services.EDITABLE_STATUSES:
        messages.error(request, _("Only a draft or open request can be edited."))
        return redirect("requests:detail", pk=pk)
    form = SupportRequestForm(
        request.POST or None,
        instance=support_request,
        initial=SupportRequestForm.initial_for(support_request),
    )
    languages = LanguagesForm(
        request.POST or None,
        prefix="lang",
        initial=LanguagesForm.initial_for(support_request),
        levels=LanguagesForm.levels_for(support_request),
    )
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        changes = form.service_fields(changed_only=True)
        if languages.has_changed():
            changes["languages"] = languages.needs()
        try:
            updated = services.request_update(
                actor=request.user, request=support_request, **changes
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            note = _place_note(updated) if "place" in changes else ""
            messages.success(request, f"{_('Saved.')} {note}".strip())
            return redirect("requests:detail", pk=pk)
    return render(
        request,
        "requests/form.html",
        {
            "form": form,
            "languages": languages,
            "support_request": support_request,
            "unverified": [],
        },
    )


def _detail(
    request: HttpRequest, support_request: SupportRequest, *, cancel_form=None, status: int = 200
) -> HttpResponse:
    actions = [a for a in allowed_actions(support_request.status) if a in WEB_ACTIONS]
    return render(
        request,
        "requests/detail.html",
        {
            "support_request": support_request,
            "actions": [a for a in actions if a != "cancel"],
            "can_cancel": "cancel" in actions,
            "can_edit": support_request.status in services.EDITABLE_STATUSES,
            "cancel_form": cancel_form or CancelForm(),
        },
        status=status,
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner's page for coordinators of the organisation; the partner page for others."""
    support_request = get_object_or_404(
        SupportRequest.objects.visible_to(request.user).with_details(), pk=pk
    )
    if selectors.can_manage(request.user, support_request):
        return _detail(request, support_request)
    return render(request, "requests/open_detail.html", {"support_request": support_request})


@login_required
@require_POST
def request_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in WEB_ACTIONS:
        raise Http404
    support_request = _managed(request, pk)
    try:
        if action == "cancel":
            form = CancelForm(request.POST)
            if not form.is_valid():
                return _detail(request, support_request, cancel_form=form, status=400)
            services.request_cancel(
                actor=request.user, request=support_request, reason=form.cleaned_data["reason"]
            )
        else:
            SERVICES[action](actor=request.user, request=support_request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, SUCCESS[action])
    return redirect("requests:detail", pk=pk)


@login_required
def requests_for_you(request: HttpRequest) -> HttpResponse:
    """Open requests relevant to the partner profiles you manage."""
    is_partner = selectors.is_partner(request.user)
    base = selectors.requests_for_partner(request.user)
    filters = SupportRequestFilter(request.GET, queryset=base)
    results = filters.qs if filters.is_valid() else base.none()
    page, query = _page(request, results)
    return render(
        request,
        "requests/open_list.html",
        {"page": page, "query": query, "is_partner": is_partner},
    )
