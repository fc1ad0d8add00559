"""Web pages for accounts and organisations. Views are thin: form → service → redirect."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.forms import InvitationForm, NewAccountForm, OrganisationForm, SignUpForm
from marketplace.models import Membership, Organisation, OrganisationInvitation, Role
from marketplace.permissions import has_role
from marketplace.services import organisations as services


def form_error(form, exc: DomainError) -> None:
    """Show a service's refusal on the field it concerns (or on the form), keeping the input."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def start(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.active().select_related("organisation")
    return render(request, "start.html", {"memberships": memberships})


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(**form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            admin = organisation.memberships.get().user
            login(request, admin, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Welcome! Your organisation is registered. Platform staff "
                    "will verify it; until then you can complete your "
                    "profile and invite colleagues."
                ),
            )
            return redirect("organisation_detail", pk=organisation.pk)
    return render(request, "signup.html", {"form": form})


def _visible_organisation(request, pk: int) -> Organisation:
    return get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    is_admin = request.user.is_staff or has_role(request.user, organisation, Role.ADMIN)
    is_member = Membership.objects.filter(
        user=request.user, organisation=organisation, is_active=True
    ).exists()
    memberships = (
        organisation.memberships.active().select_related("user")
        if (is_member or request.user.is_staff)
        else Membership.objects.none()
    )
    invitations = (
        OrganisationInvitation.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .pending()
        if is_admin
        else []
    )
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "is_admin": is_admin,
            "memberships": memberships,
            "invitations": invitations,
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    initial = {f: getattr(organisation, f) for f in services.ORGANISATION_EDITABLE}
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            services.organisation_update(actor=request.user, organisation=organisation, **changed)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("organisation_detail", pk=pk)
    return render(request, "organisations/edit.html", {"organisation": organisation, "form": form})


@login_required
def invitation_new(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    form = InvitationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("organisation_detail", pk=pk)
    return render(
        request, "organisations/invite.html", {"organisation": organisation, "form": form}
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(OrganisationInvitation.objects.visible_to(request.user), pk=pk)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
        messages.success(request, _("Invitation withdrawn."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("organisation_detail", pk=invitation.organisation_id)


@login_required
@require_POST
def membership_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.visible_to(request.user), pk=pk)
    try:
        services.membership_deactivate(actor=request.user, membership=membership)
        messages.success(
            request, _("%(name)s no longer has access.") % {"name": membership.user.full_name}
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("organisation_detail", pk=membership.organisation_id)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: accept when logged in, or create an account with the invited address."""
    try:
        invitation = services.invitation_for_token(token)
    except DomainError as exc:
        return render(
            request,
            "organisations/invitation_problem.html",
            {"error": exc.message},
            status=exc.status,
        )
    form = NewAccountForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                services.invitation_accept(token=token, user=request.user)
            elif form.is_valid():
                membership = services.invitation_accept_as_new_user(
                    token=token, **form.cleaned_data
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                raise DomainError(_("Please correct the errors below."))
        except DomainError as exc:
            if exc.field == "password":
                form.add_error("password", exc.message)
            else:
                messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Welcome to %(org)s.") % {"org": invitation.organisation.name}
            )
            return redirect("organisation_detail", pk=invitation.organisation_id)
    return render(
        request, "organisations/invitation_accept.html", {"invitation": invitation, "form": form}
    )
