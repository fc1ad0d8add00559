"""Writes for partner profiles and offers. Each service is one transaction that checks who may do
it, validates the whole profile, and records an audit entry."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.models import Membership, Organisation, OrganisationKind, Role, User
from marketplace.models import VerificationStatus as VS
from marketplace.permissions import ensure_org_admin, ensure_staff
from marketplace.services.organisations import new_account
from marketplace.validators import (
    normalise_iban,
    normalise_kvk,
    normalise_postcode,
    normalise_vat_id,
)
from partners.models import (
    Community,
    CompensationMode,
    Expertise,
    Language,
    Offer,
    PartnerKind,
    PartnerLanguage,
    PartnerProfile,
    Proficiency,
    VatCode,
)
from partners.places import resolve_neighbourhoods
from requests.privacy import find_personal_data

MONEY = Decimal("0.01")


@dataclass(frozen=True)
class LanguageSkill:
    code: str
    proficiency: str


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(message, field=field)


def _guard_text(value: str, field: str) -> str:
    """Profiles and offers are read by others: no contact or other personal data in them."""
    findings = find_personal_data(value or "")
    if findings:
        raise _invalid(
            " ".join(
                dict.fromkeys(
                    _(
                        "Remove “%(text)s” (%(kind)s): people reach you through Brugwerk, so "
                        "contact details stay off your profile."
                    )
                    % {"text": f.text, "kind": f.label}
                    for f in findings
                )
            ),
            field,
        )
    return value.strip()


def _by_codes(model, codes, field: str) -> list:
    codes = list(dict.fromkeys(codes or []))
    found = {row.code: row for row in model.objects.active().filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise _invalid(_("Unknown choice: %(codes)s.") % {"codes": ", ".join(unknown)}, field)
    return [found[code] for code in codes]


def _language_rows(skills: list[LanguageSkill]) -> list[tuple[Language, str]]:
    languages = _by_codes(Language, [s.code for s in skills], "languages")
    by_code = {language.code: language for language in languages}
    rows = []
    for skill in skills:
        if skill.proficiency not in Proficiency.values:
            raise _invalid(_("Choose native, fluent or basic for each language."), "languages")
        rows.append((by_code[skill.code], skill.proficiency))
    return rows


# Fields a profile form or API may set directly (others have their own services).
PROFILE_FIELDS = {
    "display_name",
    "bio",
    "travel_radius_km",
    "in_person",
    "online",
    "hours_per_month",
    "weekdays",
    "compensation_mode",
    "hourly_rate",
    "date_of_birth",
    "kvk_number",
    "vat_code",
    "vat_id",
    "vat_exemption_reason",
    "iban",
    "account_holder",
    "street",
    "postcode",
    "city",
}
RELATION_FIELDS = {"expertise", "communities", "languages", "neighbourhoods", "base_neighbourhood"}


def _clean_fields(profile: PartnerProfile, changes: dict) -> dict:
    unknown = set(changes) - PROFILE_FIELDS - RELATION_FIELDS
    if unknown:
        raise DomainError(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))
    clean = dict(changes)
    if "display_name" in clean:
        clean["display_name"] = (clean["display_name"] or "").strip()
        if not clean["display_name"]:
            raise _invalid(_("Enter the name to show."), "display_name")
    if "bio" in clean:
        clean["bio"] = _guard_text(clean["bio"] or "", "bio")
    if "hourly_rate" in clean:
        rate = Decimal(str(clean["hourly_rate"] or 0)).quantize(MONEY)
        if rate < 0:
            raise _invalid(_("The hourly rate cannot be negative."), "hourly_rate")
        clean["hourly_rate"] = rate
    if clean.get("weekdays") is not None:
        days = sorted({int(day) for day in clean["weekdays"]})
        if any(day < 0 or day > 6 for day in days):
            raise _invalid(_("Weekdays are numbered 0 (Monday) to 6 (Sunday)."), "weekdays")
        clean["weekdays"] = days
    if clean.get("date_of_birth") and clean["date_of_birth"] >= timezone.localdate():
        raise _invalid(_("The date of birth must lie in the past."), "date_of_birth")
    for field, normalise in (
        ("iban", normalise_iban),
        ("vat_id", normalise_vat_id),
        ("postcode", normalise_postcode),
    ):
        if clean.get(field):
            try:
                clean[field] = normalise(clean[field])
            except ValidationError as exc:
                raise _invalid(" ".join(exc.messages), field) from None
    if clean.get("kvk_number"):
        try:
            clean["kvk_number"] = normalise_kvk(clean["kvk_number"])
        except ValidationError as exc:
            raise _invalid(" ".join(exc.messages), "kvk_number") from None
    if "neighbourhoods" in clean:
        clean["neighbourhoods"] = resolve_neighbourhoods(
            clean["neighbourhoods"] or [], field="neighbourhoods"
        )
    if clean.get("base_neighbourhood") and not hasattr(clean["base_neighbourhood"], "pk"):
        clean["base_neighbourhood"] = resolve_neighbourhoods(
            [clean["base_neighbourhood"]], field="base_neighbourhood"
        )[0]
    if "expertise" in clean:
        clean["expertise"] = _by_codes(Expertise, clean["expertise"], "expertise")
    if "communities" in clean:
        clean["communities"] = _by_codes(Community, clean["communities"], "communities")
    if "languages" in clean:
        clean["languages"] = _language_rows(
            [s if isinstance(s, LanguageSkill) else LanguageSkill(**s) for s in clean["languages"]]
        )
    return clean


def _apply(profile: PartnerProfile, clean: dict) -> None:
    for field in PROFILE_FIELDS & set(clean):
        setattr(profile, field, clean[field])
    if "base_neighbourhood" in clean:
        profile.base_neighbourhood = clean["base_neighbourhood"] or None
    _check_consistency(profile)
    profile.save()
    if "expertise" in clean:
        profile.expertise.set(clean["expertise"])
    if "communities" in clean:
        profile.communities.set(clean["communities"])
    if "neighbourhoods" in clean:
        profile.neighbourhoods.set(clean["neighbourhoods"])
    if "languages" in clean:
        profile.languages.all().delete()
        PartnerLanguage.objects.bulk_create(
            PartnerLanguage(profile=profile, language=language, proficiency=level)
            for language, level in clean["languages"]
        )


def _check_consistency(profile: PartnerProfile) -> None:
    """Rules that span fields: each compensation mode needs its own data."""
    if not (profile.in_person or profile.online):
        raise _invalid(_("Choose in person, online, or both."), "in_person")
    mode = profile.compensation_mode
    if (
        mode == CompensationMode.INVOICE_ORG
        and profile.kind != PartnerKind.MZO
        and profile.organisation_id is None
    ):
        raise _invalid(
            _("Invoicing by an organisation needs a migrant organisation."), "compensation_mode"
        )
    if mode == CompensationMode.ALLOWANCE and profile.kind == PartnerKind.MZO:
        raise _invalid(
            _("A volunteer allowance is paid to a person, not to an organisation."),
            "compensation_mode",
        )
    if profile.vat_code == VatCode.STANDARD_21 and not profile.vat_id:
        raise _invalid(_("Charging 21% VAT needs a VAT id."), "vat_id")
    if profile.vat_code in (VatCode.EXEMPT, VatCode.KOR) and not profile.vat_exemption_reason:
        raise _invalid(
            _("Say why no VAT is charged; it is printed on invoices."), "vat_exemption_reason"
        )


def missing_for_publication(profile: PartnerProfile) -> list[str]:
    """What a partner must still fill in before care organisations can find and pay them."""
    missing = []
    if not profile.expertise.exists():
        missing.append(_("at least one kind of work"))
    if not profile.languages.exists():
        missing.append(_("at least one language"))
    if profile.in_person and not (profile.neighbourhoods.exists() or profile.base_neighbourhood_id):
        missing.append(_("the neighbourhoods you serve"))
    mode = profile.compensation_mode
    if mode == CompensationMode.ALLOWANCE and profile.date_of_birth is None:
        missing.append(_("your date of birth (for the allowance caps)"))
    if mode == CompensationMode.INVOICE_PERSON:
        for field, label in (
            ("kvk_number", _("KvK number")),
            ("vat_code", _("VAT")),
            ("street", _("address")),
            ("postcode", _("postcode")),
            ("city", _("city")),
        ):
            if not getattr(profile, field):
                missing.append(label)
    if (
        mode
        in (
            CompensationMode.INVOICE_PERSON,
            CompensationMode.INVOICE_ORG,
            CompensationMode.REIMBURSEMENT,
            CompensationMode.ALLOWANCE,
        )
        and not profile.iban
    ):
        missing.append(_("IBAN"))
    return missing


def _ensure_manages(actor: User, profile: PartnerProfile) -> None:
    if not PartnerProfile.objects.managed_by(actor).filter(pk=profile.pk).exists():
        raise PermissionDenied(_("You cannot change this profile."))


@transaction.atomic
def profile_create_for_mzo(*, actor: User, organisation: Organisation, **fields) -> PartnerProfile:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    ensure_org_admin(actor, organisation)
    if organisation.kind != OrganisationKind.MZO:
        raise DomainError(_("Only a migrant organisation has a partner profile."))
    if PartnerProfile.objects.filter(organisation=organisation, kind=PartnerKind.MZO).exists():
        raise Conflict(_("%(org)s already has a profile.") % {"org": organisation.name})
    fields.setdefault("display_name", organisation.name)
    fields.setdefault("compensation_mode", CompensationMode.INVOICE_ORG)
    profile = PartnerProfile(kind=PartnerKind.MZO, organisation=organisation)
    _apply(profile, _clean_fields(profile, fields))
    audit.record(actor=actor, action="partner.created", obj=profile, organisation=organisation)
    return profile


@transaction.atomic
def profile_create_for_key_person(
    *, actor: User, user: User, organisation: Organisation | None, **fields
) -> PartnerProfile:
    """A key person's own profile: by themselves, or by the admin of the MZO that dispatches
    them (the person must then be an active key-person member of that MZO)."""
    if organisation is None:
        if actor.pk != user.pk and not actor.is_staff:
            raise PermissionDenied(_("Only the key person can create an independent profile."))
    else:
        ensure_org_admin(actor, organisation)
        if not Membership.objects.filter(
            user=user, organisation=organisation, is_active=True, role=Role.KEY_PERSON
        ).exists():
            raise DomainError(
                _("%(name)s is not a key person of %(org)s.")
                % {"name": user.full_name, "org": organisation.name},
                field="user",
            )
    if PartnerProfile.objects.filter(user=user, kind=PartnerKind.KEY_PERSON).exists():
        raise Conflict(_("%(name)s already has a profile.") % {"name": user.full_name})
    fields.setdefault("display_name", user.full_name)
    profile = PartnerProfile(kind=PartnerKind.KEY_PERSON, user=user, organisation=organisation)
    _apply(profile, _clean_fields(profile, fields))
    audit.record(actor=actor, action="partner.created", obj=profile, organisation=organisation)
    return profile


@transaction.atomic
def key_person_register(*, email: str, full_name: str, password: str, **fields) -> PartnerProfile:
    """Sign-up of an independent key person: an account and a draft profile awaiting checks."""
    user = new_account(email=email, full_name=full_name, password=password)
    user.save()
    return profile_create_for_key_person(actor=user, user=user, organisation=None, **fields)


@transaction.atomic
def profile_update(*, actor: User, profile: PartnerProfile, **changes) -> PartnerProfile:
    profile = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    _ensure_manages(actor, profile)
    missing_before = set(missing_for_publication(profile)) if profile.is_published else set()
    _apply(profile, _clean_fields(profile, changes))
    if profile.is_published:
        # An edit may not take required data away from a listed profile (the transaction rolls
        # back): refuse rather than leave a partner unpayable or unfindable.
        taken_away = [m for m in missing_for_publication(profile) if m not in missing_before]
        if taken_away:
            raise DomainError(
                _("A published profile needs: %(missing)s.") % {"missing": ", ".join(taken_away)},
                code="profile_incomplete",
            )
    audit.record(
        actor=actor,
        action="partner.updated",
        obj=profile,
        organisation=profile.organisation,
        fields=sorted(changes),
    )
    return profile


@transaction.atomic
def profile_publish(*, actor: User, profile: PartnerProfile) -> PartnerProfile:
    profile = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    _ensure_manages(actor, profile)
    missing = missing_for_publication(profile)
    if missing:
        raise DomainError(
            _("Before publishing, add: %(missing)s.") % {"missing": ", ".join(missing)},
            code="profile_incomplete",
        )
    if not profile.is_published:
        profile.is_published = True
        profile.save(update_fields=["is_published", "updated_at"])
        audit.record(
            actor=actor, action="partner.published", obj=profile, organisation=profile.organisation
        )
    return profile


@transaction.atomic
def profile_unpublish(*, actor: User, profile: PartnerProfile) -> PartnerProfile:
    profile = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    _ensure_manages(actor, profile)
    if profile.is_published:
        profile.is_published = False
        profile.save(update_fields=["is_published", "updated_at"])
        audit.record(
            actor=actor,
            action="partner.unpublished",
            obj=profile,
            organisation=profile.organisation,
        )
    return profile


@transaction.atomic
def profile_set_verification(
    *, actor: User, profile: PartnerProfile, status: str
) -> PartnerProfile:
    ensure_staff(actor)
    profile = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    if status not in VS.values:
        raise DomainError(_("Unknown verification status."))
    if profile.verification_status != status:
        profile.verification_status = status
        profile.verified_at = timezone.now() if status == VS.VERIFIED else None
        profile.save(update_fields=["verification_status", "verified_at", "updated_at"])
        audit.record(
            actor=actor, action=f"partner.{status}", obj=profile, organisation=profile.organisation
        )
    return profile


OFFER_FIELDS = {
    "title",
    "description",
    "expertise",
    "languages",
    "communities",
    "duration_hours",
    "pricing",
    "price",
    "in_person",
    "online",
    "is_published",
}


def _clean_offer(changes: dict) -> dict:
    unknown = set(changes) - OFFER_FIELDS
    if unknown:
        raise DomainError(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))
    clean = dict(changes)
    if "title" in clean:
        clean["title"] = _guard_text(clean["title"] or "", "title")
        if not clean["title"]:
            raise _invalid(_("Give the offer a title."), "title")
    if "description" in clean:
        clean["description"] = _guard_text(clean["description"] or "", "description")
    if "expertise" in clean and not isinstance(clean["expertise"], Expertise):
        clean["expertise"] = _by_codes(Expertise, [clean["expertise"]], "expertise")[0]
    for field in ("languages", "communities"):
        if field in clean:
            model = Language if field == "languages" else Community
            clean[field] = _by_codes(model, clean[field], field)
    if "price" in clean:
        clean["price"] = Decimal(str(clean["price"])).quantize(MONEY)
        if clean["price"] < 0:
            raise _invalid(_("The price cannot be negative."), "price")
    if "duration_hours" in clean:
        clean["duration_hours"] = Decimal(str(clean["duration_hours"])).quantize(MONEY)
        if clean["duration_hours"] <= 0:
            raise _invalid(_("The duration must be more than zero hours."), "duration_hours")
    return clean


def _save_offer(offer: Offer, clean: dict) -> Offer:
    for field in OFFER_FIELDS - {"languages", "communities"}:
        if field in clean:
            setattr(offer, field, clean[field])
    if not (offer.in_person or offer.online):
        raise _invalid(_("Choose in person, online, or both."), "in_person")
    offer.save()
    for field in ("languages", "communities"):
        if field in clean:
            getattr(offer, field).set(clean[field])
    return offer


@transaction.atomic
def offer_create(*, actor: User, partner: PartnerProfile, **fields) -> Offer:
    partner = PartnerProfile.objects.select_for_update().get(pk=partner.pk)
    _ensure_manages(actor, partner)
    missing = [
        f
        for f in ("title", "description", "expertise", "duration_hours", "price")
        if f not in fields
    ]
    if missing:
        raise _invalid(_("This field is required."), missing[0])
    offer = _save_offer(Offer(partner=partner), _clean_offer(fields))
    audit.record(actor=actor, action="offer.created", obj=offer, organisation=partner.organisation)
    return offer


@transaction.atomic
def offer_update(*, actor: User, offer: Offer, **changes) -> Offer:
    offer = Offer.objects.select_for_update().select_related("partner").get(pk=offer.pk)
    _ensure_manages(actor, offer.partner)
    offer = _save_offer(offer, _clean_offer(changes))
    audit.record(
        actor=actor,
        action="offer.updated",
        obj=offer,
        organisation=offer.partner.organisation,
        fields=sorted(changes),
    )
    return offer


def age_bracket_on(profile: PartnerProfile, day: date) -> str | None:
    """'21+' or 'under_21' on a given day (the allowance caps differ), None if unknown."""
    older = profile.is_21_or_older_on(day)
    return None if older is None else ("21+" if older else "under_21")
