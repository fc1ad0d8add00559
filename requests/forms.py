"""Phone-friendly forms for support requests. They validate and present; services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Community, Expertise, Language, Proficiency
from requests.models import Mode, Requirement, Status, SupportRequest
from requests.privacy import validate_no_personal_data
from requests.services import CANCEL_REASON_MAX, LanguageNeed, check_request_values

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
VALUE_FIELDS = (
    "hours_estimated",
    "budget_ceiling",
    "period_start",
    "period_end",
    "response_deadline",
)


class SupportRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Care organisation"), queryset=None, empty_label=None
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        validators=[validate_no_personal_data],
        help_text=_("What the work is, e.g. “Uitleg jeugdhulp aan Eritrese ouders”."),
    )
    expertise = forms.ModelChoiceField(
        label=_("Kind of work"),
        queryset=Expertise.objects.active(),
        to_field_name="code",
        empty_label=_("– choose –"),
    )
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.active(),
        to_field_name="code",
        required=False,
        empty_label=_("– any –"),
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_(
            "A neighbourhood (e.g. Schildersbuurt-West), a district, or the 4 digits of a "
            "postcode (e.g. 2525). Never a family's full postcode or address."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    mode = forms.ChoiceField(
        label=_("In person or online"), choices=Mode.choices, widget=forms.RadioSelect
    )
    hours_estimated = forms.DecimalField(
        label=_("Hours estimated"),
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "inputmode": "decimal"}),
    )
    period_start = forms.DateField(label=_("Start of the period"), widget=DATE)
    period_end = forms.DateField(label=_("End of the period"), widget=DATE)
    budget_ceiling = forms.DecimalField(
        label=_("Budget ceiling (€)"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        help_text=_("The most your organisation will pay for this work, in euros."),
    )
    response_deadline = forms.DateField(
        label=_("Respond before"),
        widget=DATE,
        help_text=_("The last day partners can respond. Open requests expire after it."),
    )
    description = forms.CharField(
        label=_("The need"),
        max_length=5000,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Describe the need, never a person: no names, addresses, dates of birth, phone "
            "numbers, e-mail addresses or BSN."
        ),
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        max_length=5000,
        required=False,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only your organisation sees these; partners never do."),
    )

    def __init__(self, *args, organisations=None, instance: SupportRequest | None = None, **kw):
        super().__init__(*args, **kw)
        self.instance = instance
        organisations = list(organisations or [])
        if instance is not None or len(organisations) <= 1:
            # Editing, or only one organisation to post for: nothing to choose.
            del self.fields["organisation"]
            self.organisation = (
                instance.organisation if instance else (organisations[0] if organisations else None)
            )
        else:
            self.fields["organisation"].queryset = type(organisations[0]).objects.filter(
                pk__in=[o.pk for o in organisations]
            )
            self.organisation = None

    @staticmethod
    def initial_for(request: SupportRequest) -> dict:
        place = (
            request.postcode_area.code
            if request.postcode_area_id
            else f"{request.neighbourhood.name}, {request.neighbourhood.municipality.name}"
        )
        return {
            "title": request.title,
            "expertise": request.expertise.code,
            "community": request.community.code if request.community_id else None,
            "place": place,
            "mode": request.mode,
            "hours_estimated": request.hours_estimated,
            "period_start": request.period_start,
            "period_end": request.period_end,
            "budget_ceiling": request.budget_ceiling,
            "response_deadline": request.response_deadline,
            "description": request.description,
            "internal_notes": request.internal_notes,
        }

    def clean(self):
        cleaned = super().clean()
        # A value that failed its own validation is None here, and the rules skip it.
        values = {field: cleaned.get(field) for field in VALUE_FIELDS}
        publishing = bool(self.data.get("publish")) or (
            self.instance is not None
            and self.instance.status == "open"
            and "response_deadline" in self.changed_data
        )
        for field, message in check_request_values(values, publishing=publishing).items():
            if field not in self.errors:
                self.add_error(field, message)
        if "organisation" in cleaned and cleaned["organisation"] is not None:
            self.organisation = cleaned["organisation"]
        return cleaned

    def service_fields(self, *, changed_only: bool = False) -> dict:
        """Cleaned values as the services take them (codes for taxonomy, text for the place)."""
        fields = {}
        for name in self.fields:
            if name == "organisation" or (changed_only and name not in self.changed_data):
                continue
            fields[name] = self.cleaned_data[name]
        return fields


class LanguagesForm(forms.Form):
    """Which languages the work needs, rendered as two groups of checkboxes."""

    required = forms.ModelMultipleChoiceField(
        label=_("Languages required"),
        queryset=Language.objects.active(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred = forms.ModelMultipleChoiceField(
        label=_("Languages preferred"),
        queryset=Language.objects.active(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, levels: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Minimum proficiency per language code already stored; kept for languages that stay.
        self.levels = levels or {}

    @staticmethod
    def levels_for(request: SupportRequest) -> dict[str, str]:
        return {row.language.code: row.min_proficiency for row in request.languages.all()}

    @staticmethod
    def initial_for(request: SupportRequest) -> dict:
        rows = list(request.languages.all())
        return {
            requirement: [row.language.code for row in rows if row.requirement == requirement]
            for requirement in (Requirement.REQUIRED, Requirement.PREFERRED)
        }

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("required") or []) & set(cleaned.get("preferred") or [])
        if both:
            self.add_error(
                "preferred",
                _("A language is either required or preferred, not both: %(languages)s.")
                % {"languages": ", ".join(sorted(language.name for language in both))},
            )
        return cleaned

    def needs(self) -> list[LanguageNeed]:
        return [
            LanguageNeed(language, requirement, self.levels.get(language.code, Proficiency.BASIC))
            for requirement in (Requirement.REQUIRED, Requirement.PREFERRED)
            for language in self.cleaned_data[requirement]
        ]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=CANCEL_REASON_MAX,
        required=False,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit trail; partners do not see it."),
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Status.choices],
    )
