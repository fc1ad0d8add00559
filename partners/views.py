"""Directory and profile pages. Thin: form → service → redirect; errors land on the fields."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.models import Membership, Organisation, OrganisationKind, Role
from marketplace.views import form_error
from partners import selectors, services
from partners.filters import DirectoryFilter
from partners.forms import (
    KeyPersonSignUpForm,
    LanguageFormSet,
    OfferForm,
    ProfileForm,
    skills_from,
)
from partners.models import Offer, PartnerProfile

PAGE_SIZE = 20


def _viewer(request) -> dict:
    return {
        "is_coordinator": selectors.is_care_coordinator(request.user),
        "managed_ids": selectors.managed_ids(request.user),
    }


def directory(request):
    profiles = PartnerProfile.objects.listed().with_directory_data()
    filters = DirectoryFilter(request.GET, queryset=profiles)
    results = filters.qs if filters.is_valid() else profiles.none()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partners/directory.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            **_viewer(request),
        },
    )


def detail(request, pk: int):
    profile = get_object_or_404(
        PartnerProfile.objects.visible_to(request.user).with_directory_data(), pk=pk
    )
    viewer = _viewer(request)
    return render(
        request,
        "partners/detail.html",
        {
            "profile": profile,
            "is_coordinator": viewer["is_coordinator"],
            "can_manage": profile.pk in viewer["managed_ids"],
            "shows_rate": selectors.shows_rate(
                profile,
                viewer_is_coordinator=viewer["is_coordinator"],
                managed_ids=viewer["managed_ids"],
            ),
            "offers": profile.offers.visible_to(request.user).select_related("expertise"),
            "missing": services.missing_for_publication(profile)
            if profile.pk in viewer["managed_ids"]
            else [],
        },
    )


@login_required
def mine(request):
    profiles = PartnerProfile.objects.managed_by(request.user).select_related("organisation")
    admin_of = Organisation.objects.filter(
        kind=OrganisationKind.MZO,
        memberships__user=request.user,
        memberships__role=Role.ADMIN,
        memberships__is_active=True,
    )
    without_profile = admin_of.exclude(partner_profiles__kind="mzo")
    members_without = (
        Membership.objects.filter(
            organisation__in=admin_of,
            role=Role.KEY_PERSON,
            is_active=True,
        )
        .exclude(user__partner_profiles__kind="key_person")
        .select_related("user", "organisation")
    )
    has_own = profiles.filter(user=request.user).exists()
    return render(
        request,
        "partners/mine.html",
        {
            "profiles": profiles,
            "orgs_without_profile": without_profile,
            "members_without_profile": members_without,
            "has_own": has_own,
        },
    )


def _save_profile(request, profile: PartnerProfile | None, create):
    initial = (
        ProfileForm.initial_for(profile)
        if profile
        else {
            "travel_radius_km": 5,
            "hours_per_month": 8,
            "in_person": True,
            "hourly_rate": 0,
            "compensation_mode": "allowance",
            "display_name": create.get("display_name", ""),
        }
    )
    language_initial = (
        [
            {"code": pl.language.code, "proficiency": pl.proficiency}
            for pl in profile.languages.select_related("language")
        ]
        if profile
        else []
    )
    form = ProfileForm(request.POST or None, initial=initial)
    languages = LanguageFormSet(request.POST or None, initial=language_initial, prefix="lang")
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        fields = {**form.cleaned_data, "languages": skills_from(languages)}
        try:
            if profile:
                profile = services.profile_update(actor=request.user, profile=profile, **fields)
            else:
                profile = create["service"](**fields)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("partners:detail", pk=profile.pk)
    return render(
        request, "partners/edit.html", {"form": form, "languages": languages, "profile": profile}
    )


@login_required
def edit(request, pk: int):
    profile = get_object_or_404(PartnerProfile.objects.managed_by(request.user), pk=pk)
    return _save_profile(request, profile, None)


@login_required
def create_own(request):
    """A key person's own profile, independent or (if they belong to one) under their MZO."""
    membership = (
        Membership.objects.filter(user=request.user, role=Role.KEY_PERSON, is_active=True)
        .select_related("organisation")
        .first()
    )
    return _save_profile(
        request,
        None,
        {
            "display_name": request.user.full_name,
            "service": lambda **f: services.profile_create_for_key_person(
                actor=request.user,
                user=request.user,
                organisation=membership.organisation if membership else None,
                **f,
            ),
        },
    )


@login_required
def create_for_mzo(request, org_pk: int):
    organisation = get_object_or_404(Organisation.objects.administered_by(request.user), pk=org_pk)
    return _save_profile(
        request,
        None,
        {
            "display_name": organisation.name,
            "service": lambda **f: services.profile_create_for_mzo(
                actor=request.user, organisation=organisation, **f
            ),
        },
    )


@login_required
def create_for_member(request, membership_pk: int):
    membership = get_object_or_404(
        Membership.objects.filter(
            organisation__in=Organisation.objects.administered_by(request.user),
            role=Role.KEY_PERSON,
            is_active=True,
        ).select_related("user"),
        pk=membership_pk,
    )
    return _save_profile(
        request,
        None,
        {
            "display_name": membership.user.full_name,
            "service": lambda **f: services.profile_create_for_key_person(
                actor=request.user, user=membership.user, organisation=membership.organisation, **f
            ),
        },
    )


@login_required
@require_POST
def publish(request, pk: int):
    profile = get_object_or_404(PartnerProfile.objects.managed_by(request.user), pk=pk)
    unpublish = request.POST.get("action") == "unpublish"
    service = services.profile_unpublish if unpublish else services.profile_publish
    try:
        profile = service(actor=request.user, profile=profile)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if unpublish:
            messages.success(request, _("Your profile is no longer shown in the directory."))
        elif profile.is_listed:
            messages.success(request, _("Published: care organisations can find you now."))
        else:
            messages.success(
                request,
                _(
                    "Published. It appears in the directory as soon as "
                    "platform staff have checked it."
                ),
            )
    return redirect("partners:detail", pk=pk)


def register(request):
    """Sign up as an independent key person."""
    form = KeyPersonSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.key_person_register(**form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            login(request, profile.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Welcome! Complete your profile; platform staff check it "
                    "before it appears in the directory."
                ),
            )
            return redirect("partners:edit", pk=profile.pk)
    return render(request, "partners/register.html", {"form": form})


def _offer_initial(offer: Offer) -> dict:
    return {
        "title": offer.title,
        "description": offer.description,
        "expertise": offer.expertise.code,
        "duration_hours": offer.duration_hours,
        "pricing": offer.pricing,
        "price": offer.price,
        "in_person": offer.in_person,
        "online": offer.online,
        "languages": [lang.code for lang in offer.languages.all()],
        "communities": [c.code for c in offer.communities.all()],
    }


@login_required
def offer_edit(request, pk: int, offer_pk: int | None = None):
    profile = get_object_or_404(PartnerProfile.objects.managed_by(request.user), pk=pk)
    offer = get_object_or_404(profile.offers, pk=offer_pk) if offer_pk else None
    form = OfferForm(request.POST or None, initial=_offer_initial(offer) if offer else None)
    if request.method == "POST" and form.is_valid():
        try:
            if offer:
                services.offer_update(actor=request.user, offer=offer, **form.cleaned_data)
            else:
                services.offer_create(actor=request.user, partner=profile, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Offer saved."))
            return redirect("partners:detail", pk=pk)
    return render(
        request, "partners/offer_form.html", {"form": form, "profile": profile, "offer": offer}
    )
