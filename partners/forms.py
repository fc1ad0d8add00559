"""Phone-friendly forms for profiles and offers. They validate input; services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import (
    WEEKDAYS,
    Community,
    CompensationMode,
    Expertise,
    Language,
    PartnerProfile,
    PricingUnit,
    Proficiency,
    VatCode,
)


class CodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes that hand the service a list of codes."""

    def __init__(self, model, **kwargs):
        super().__init__(
            queryset=model.objects.active(),
            to_field_name="code",
            widget=forms.CheckboxSelectMultiple,
            required=False,
            **kwargs,
        )

    def clean(self, value):
        return [term.code for term in super().clean(value)]


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name shown"), max_length=150)
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What you do and for whom. No phone numbers or e-mail "
            "addresses: contact goes through Brugwerk."
        ),
    )
    expertise = CodeMultipleChoiceField(Expertise, label=_("Kinds of work"))
    communities = CodeMultipleChoiceField(Community, label=_("Communities"))
    neighbourhoods = forms.CharField(
        label=_("Neighbourhoods served"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Names or CBS codes, separated by semicolons, e.g. "
            "“Schilderswijk; Transvaal-Noord, Den Haag”. A district name means all of it."
        ),
    )
    base_neighbourhood = forms.CharField(
        label=_("Home base (neighbourhood)"), required=False, max_length=120
    )
    travel_radius_km = forms.IntegerField(label=_("Travel radius (km)"), min_value=0, max_value=200)
    in_person = forms.BooleanField(label=_("I work in person"), required=False)
    online = forms.BooleanField(label=_("I work online"), required=False)
    hours_per_month = forms.IntegerField(
        label=_("Hours available per month"), min_value=0, max_value=200
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays available"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    compensation_mode = forms.ChoiceField(
        label=_("How you are paid"), choices=CompensationMode.choices, widget=forms.RadioSelect
    )
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate (€)"), min_value=0, max_digits=8, decimal_places=2
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only for the volunteer-allowance caps; never shown to others."),
    )
    kvk_number = forms.CharField(label=_("KvK number"), max_length=12, required=False)
    vat_code = forms.ChoiceField(
        label=_("VAT"), choices=[("", "–"), *VatCode.choices], required=False
    )
    vat_id = forms.CharField(label=_("VAT id"), max_length=20, required=False)
    vat_exemption_reason = forms.CharField(
        label=_("Reason no VAT is charged"), max_length=200, required=False
    )
    iban = forms.CharField(label=_("IBAN"), max_length=40, required=False)
    account_holder = forms.CharField(label=_("Account holder"), max_length=150, required=False)
    street = forms.CharField(label=_("Street and house number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)

    def clean_neighbourhoods(self) -> list[str]:
        text = self.cleaned_data["neighbourhoods"]
        return [part.strip() for part in text.replace("\n", ";").split(";") if part.strip()]

    @staticmethod
    def initial_for(profile: PartnerProfile) -> dict:
        return {
            **{
                field: getattr(profile, field)
                for field in (
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
                )
            },
            "expertise": [e.code for e in profile.expertise.all()],
            "communities": [c.code for c in profile.communities.all()],
            "neighbourhoods": "; ".join(
                f"{n.name}, {n.municipality.name}" for n in profile.neighbourhoods.all()
            ),
            "base_neighbourhood": (
                f"{profile.base_neighbourhood.name}, {profile.base_neighbourhood.municipality.name}"
                if profile.base_neighbourhood
                else ""
            ),
        }


class LanguageSkillForm(forms.Form):
    code = forms.ModelChoiceField(
        label=_("Language"),
        queryset=Language.objects.active(),
        to_field_name="code",
        required=False,
    )
    proficiency = forms.ChoiceField(label=_("Level"), choices=Proficiency.choices, required=False)


LanguageFormSet = forms.formset_factory(LanguageSkillForm, extra=2, max_num=12)


def skills_from(formset) -> list[dict]:
    return [
        {
            "code": f.cleaned_data["code"].code,
            "proficiency": f.cleaned_data.get("proficiency") or Proficiency.FLUENT,
        }
        for f in formset.forms
        if f.cleaned_data.get("code")
    ]


class KeyPersonSignUpForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class OfferForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )
    expertise = forms.ModelChoiceField(
        label=_("Kind of work"), queryset=Expertise.objects.active(), to_field_name="code"
    )
    languages = CodeMultipleChoiceField(Language, label=_("Languages"))
    communities = CodeMultipleChoiceField(Community, label=_("Communities"))
    duration_hours = forms.DecimalField(
        label=_("Duration (hours)"), min_value=0, max_digits=5, decimal_places=2
    )
    pricing = forms.ChoiceField(label=_("Pricing"), choices=PricingUnit.choices)
    price = forms.DecimalField(label=_("Price (€)"), min_value=0, max_digits=10, decimal_places=2)
    in_person = forms.BooleanField(label=_("In person"), required=False, initial=True)
    online = forms.BooleanField(label=_("Online"), required=False)

    def clean_expertise(self):
        return self.cleaned_data["expertise"].code
