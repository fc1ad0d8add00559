"""Writes for support requests. Each service is one transaction: lock, check who may do it and
the current state, validate, change, record an audit entry.

Who: coordinators and admins of the owning care organisation (and platform staff). Posting and
publishing also need a verified organisation. Audit entries name the fields that changed, never
their values: the values are free text that could (despite the guard) hold personal data.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.errors import Conflict, DomainError
from marketplace.models import Organisation, OrganisationKind, User
from marketplace.money import parse_money
from marketplace.permissions import ensure_can_transact, ensure_role
from partners.models import Community, Expertise, Language, Proficiency
from requests import lifecycle
from requests.models import (
    MANAGER_ROLES,
    Mode,
    RequestLanguage,
    Requirement,
    Status,
    SupportRequest,
)
from requests.places import resolve_request_place
from requests.privacy import validate_no_personal_data

CENT = Decimal("0.01")
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.OPEN})
EXPIRABLE_STATUSES = (Status.OPEN, Status.MATCHING)
GUARDED_FIELDS = ("title", "description", "internal_notes")
# What request_update accepts; `place` is resolved to neighbourhood and postcode_area.
UPDATABLE_FIELDS = frozenset(
    {
        "title",
        "expertise",
        "community",
        "place",
        "mode",
        "hours_estimated",
        "period_start",
        "period_end",
        "budget_ceiling",
        "response_deadline",
        "description",
        "internal_notes",
        "languages",
    }
)
CANCEL_REASON_MAX = 500


def quantize(amount) -> Decimal:
    """Euros and hours to 2 decimals, half up; a clear error when it is no number."""
    value = parse_money(amount)
    if value is None:
        raise DomainError(_("Enter a number."), code="invalid_number")
    return value


@dataclass(frozen=True)
class LanguageNeed:
    """A language the work needs: `language` is a Language or its ISO 639 code."""

    language: Language | str
    requirement: str = Requirement.REQUIRED
    min_proficiency: str = Proficiency.BASIC


# --- validation shared with forms and serializers -------------------------------------------


def check_request_values(values: Mapping, *, publishing: bool, today: date | None = None) -> dict:
    """Field → message for every rule the values break. Pure, so forms and serializers show all
    problems at once; the services raise the first one."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    hours, budget = values.get("hours_estimated"), values.get("budget_ceiling")
    start, end = values.get("period_start"), values.get("period_end")
    deadline = values.get("response_deadline")
    if hours is not None and Decimal(str(hours)) <= 0:
        errors["hours_estimated"] = _("The estimated hours must be more than 0.")
    if budget is not None and Decimal(str(budget)) < 0:
        errors["budget_ceiling"] = _("The budget ceiling cannot be negative.")
    if start and end and end < start:
        errors["period_end"] = _("The period cannot end before it starts.")
    if deadline and end and deadline > end:
        errors["response_deadline"] = _(
            "The deadline for responses cannot be after the end of the period."
        )
    elif publishing and deadline and deadline < today:
        errors["response_deadline"] = _(
            "The deadline for responses has passed: choose today or a later date."
        )
    return errors


def _raise_first(errors: dict) -> None:
    for field, message in errors.items():
        raise DomainError(message, code="invalid", field=field)


def _guard_text(value: str, field: str) -> str:
    try:
        validate_no_personal_data(value)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="personal_data", field=field) from None
    return value


def _required_text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, code="required", field=field)
    return value


def _by_code(model, value, field: str):
    if value is None or isinstance(value, model):
        return value
    row = model.objects.active().filter(code=str(value)).first()
    if row is None:
        raise DomainError(
            _("Unknown choice: %(code)s.") % {"code": value}, code="invalid_choice", field=field
        )
    return row


def _language_needs(languages: Iterable) -> list[LanguageNeed]:
    needs: list[LanguageNeed] = []
    for item in languages or ():
        need = item if isinstance(item, LanguageNeed) else LanguageNeed(**dict(item))
        if need.requirement not in Requirement.values:
            raise DomainError(_("Mark each language as required or preferred."), field="languages")
        if need.min_proficiency not in Proficiency.values:
            raise DomainError(
                _("Choose native, fluent or basic as the minimum level."), field="languages"
            )
        needs.append(
            LanguageNeed(
                _by_code(Language, need.language, "languages"),
                need.requirement,
                need.min_proficiency,
            )
        )
    codes = [need.language.code for need in needs]
    if len(codes) != len(set(codes)):
        raise DomainError(_("Name each language once."), code="duplicate", field="languages")
    return needs


def _set_languages(request: SupportRequest, needs: list[LanguageNeed]) -> None:
    request.languages.all().delete()
    RequestLanguage.objects.bulk_create(
        RequestLanguage(
            request=request,
            language=need.language,
            requirement=need.requirement,
            min_proficiency=need.min_proficiency,
        )
        for need in needs
    )


def _ensure_manager(actor: User, organisation: Organisation) -> None:
    ensure_role(actor, organisation, *MANAGER_ROLES)


def _locked(request: SupportRequest) -> SupportRequest:
    return (
        SupportRequest.objects.select_for_update().select_related("organisation").get(pk=request.pk)
    )


def _clean(changes: dict) -> dict:
    """Normalise and check the fields present in `changes` (raises on the first problem)."""
    clean = dict(changes)
    if "title" in clean:
        clean["title"] = _required_text(clean["title"], "title", _("Give the request a title."))
    if "description" in clean:
        clean["description"] = _required_text(
            clean["description"], "description", _("Describe the need.")
        )
    if "internal_notes" in clean:
        clean["internal_notes"] = (clean["internal_notes"] or "").strip()
    for field in GUARDED_FIELDS:
        if field in clean:
            _guard_text(clean[field], field)
    if "expertise" in clean:
        if clean["expertise"] in (None, ""):
            raise DomainError(_("Choose the kind of work."), code="required", field="expertise")
        clean["expertise"] = _by_code(Expertise, clean["expertise"], "expertise")
    if "community" in clean:
        clean["community"] = _by_code(Community, clean["community"] or None, "community")
    if "mode" in clean and clean["mode"] not in Mode.values:
        raise DomainError(_("Choose in person, online or either."), field="mode")
    for field in ("hours_estimated", "budget_ceiling"):
        if field in clean:
            if clean[field] is None:
                raise DomainError(_("This field is required."), code="required", field=field)
            try:
                clean[field] = quantize(clean[field])
            except DomainError as exc:
                raise DomainError(exc.message, code=exc.code, field=field) from None
    if "place" in clean:
        clean["neighbourhood"], clean["postcode_area"] = resolve_request_place(clean.pop("place"))
    if "languages" in clean:
        clean["languages"] = _language_needs(clean["languages"])
    return clean


# --- services ---------------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    expertise: Expertise | str,
    place: str,
    mode: str,
    hours_estimated,
    period_start: date,
    period_end: date,
    budget_ceiling,
    response_deadline: date,
    description: str,
    internal_notes: str = "",
    community: Community | str | None = None,
    languages: Iterable = (),
    publish: bool = False,
) -> SupportRequest:
    """A coordinator posts a need: a draft, or an open request when `publish` is set."""
    _ensure_manager(actor, organisation)
    if organisation.kind != OrganisationKind.CARE:
        raise DomainError(
            _("Only care organisations post support requests."), code="not_a_care_organisation"
        )
    ensure_can_transact(organisation)
    clean = _clean(
        {
            "title": title,
            "expertise": expertise,
            "community": community,
            "place": place,
            "mode": mode,
            "hours_estimated": hours_estimated,
            "period_start": period_start,
            "period_end": period_end,
            "budget_ceiling": budget_ceiling,
            "response_deadline": response_deadline,
            "description": description,
            "internal_notes": internal_notes,
            "languages": languages,
        }
    )
    _raise_first(check_request_values(clean, publishing=publish))
    needs = clean.pop("languages")
    request = SupportRequest.objects.create(
        organisation=organisation, created_by=actor, status=Status.DRAFT, **clean
    )
    _set_languages(request, needs)
    audit.record(
        actor=actor,
        action="support_request.created",
        obj=request,
        organisation=organisation,
        languages=[need.language.code for need in needs],
    )
    if publish:
        lifecycle.transition(request, to=Status.OPEN, actor=actor)
    return request


@transaction.atomic
def request_update(*, actor: User, request: SupportRequest, **changes) -> SupportRequest:
    """Change a draft or open request. Only the fields given change."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    request = _locked(request)
    _ensure_manager(actor, request.organisation)
    if request.status not in EDITABLE_STATUSES:
        raise Conflict(
            _("Only a draft or open request can be edited; this one is %(status)s.")
            % {"status": request.get_status_display().lower()},
            code="not_editable",
        )
    if not changes:
        return request
    clean = _clean(changes)
    needs = clean.pop("languages", None)
    merged = {
        field: getattr(request, field)
        for field in (
            "hours_estimated",
            "budget_ceiling",
            "period_start",
            "period_end",
            "response_deadline",
        )
    }
    merged.update(clean)
    # An open request may not be moved to a deadline in the past; an unchanged one may be today's.
    publishing = request.status == Status.OPEN and "response_deadline" in clean
    _raise_first(check_request_values(merged, publishing=publishing))
    for field, value in clean.items():
        setattr(request, field, value)
    if clean:
        request.save(update_fields=[*clean, "updated_at"])
    if needs is not None:
        _set_languages(request, needs)
    fields = sorted({"place" if f in ("neighbourhood", "postcode_area") else f for f in clean})
    audit.record(
        actor=actor,
        action="support_request.updated",
        obj=request,
        organisation=request.organisation,
        fields=fields + (["languages"] if needs is not None else []),
    )
    return request


@transaction.atomic
def request_publish(*, actor: User, request: SupportRequest) -> SupportRequest:
    """Draft → open: partners can see it from now on."""
    request = _locked(request)
    _ensure_manager(actor, request.organisation)
    ensure_can_transact(request.organisation)
    if request.status == Status.DRAFT:
        values = {
            field: getattr(request, field)
            for field in (
                "hours_estimated",
                "budget_ceiling",
                "period_start",
                "period_end",
                "response_deadline",
            )
        }
        _raise_first(check_request_values(values, publishing=True))
    return lifecycle.transition(request, to=Status.OPEN, actor=actor)


def _simple_transition(actor: User, request: SupportRequest, to: str) -> SupportRequest:
    request = _locked(request)
    _ensure_manager(actor, request.organisation)
    return lifecycle.transition(request, to=to, actor=actor)


@transaction.atomic
def request_start_matching(*, actor: User, request: SupportRequest) -> SupportRequest:
    """Open → matching: the coordinator is inviting partners (called by matching)."""
    return _simple_transition(actor, request, Status.MATCHING)


@transaction.atomic
def request_mark_filled(*, actor: User, request: SupportRequest) -> SupportRequest:
    """Open or matching → filled: a partner has been engaged (called by matching)."""
    return _simple_transition(actor, request, Status.FILLED)


@transaction.atomic
def request_start(*, actor: User, request: SupportRequest) -> SupportRequest:
    """Filled → in progress: the work has begun."""
    return _simple_transition(actor, request, Status.IN_PROGRESS)


@transaction.atomic
def request_complete(*, actor: User, request: SupportRequest) -> SupportRequest:
    """In progress → completed."""
    return _simple_transition(actor, request, Status.COMPLETED)


@transaction.atomic
def request_cancel(*, actor: User, request: SupportRequest, reason: str = "") -> SupportRequest:
    """Draft, open, matching or filled → cancelled, with an optional reason for the record."""
    reason = (reason or "").strip()
    if len(reason) > CANCEL_REASON_MAX:
        raise DomainError(
            _("Keep the reason under %(max)d characters.") % {"max": CANCEL_REASON_MAX},
            field="reason",
        )
    _guard_text(reason, "reason")
    request = _locked(request)
    _ensure_manager(actor, request.organisation)
    return lifecycle.transition(request, to=Status.CANCELLED, actor=actor, reason=reason)


def requests_expire(*, batch_size: int = 200, today: date | None = None) -> int:
    """Open and matching requests whose response deadline has passed become expired.

    Bounded batches, each its own transaction; rows another worker holds are skipped (and
    picked up next run); each row changes through the conditional update of
    lifecycle.transition, so running twice expires nothing the second time.
    """
    today = today or timezone.localdate()
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(
                SupportRequest.objects.select_for_update(skip_locked=True)
                .select_related("organisation")
                .filter(status__in=EXPIRABLE_STATUSES, response_deadline__lt=today)
                .order_by("pk")[:batch_size]
            )
            for request in batch:
                try:
                    lifecycle.transition(
                        request,
                        to=Status.EXPIRED,
                        actor=None,
                        deadline=request.response_deadline.isoformat(),
                    )
                except Conflict:
                    continue  # changed meanwhile: nothing was written for this row
                expired += 1
        if len(batch) < batch_size:
            return expired
