"""Web forms: they validate and present; the views call services to write."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from geo.models import Municipality
from marketplace.models import OrganisationKind, Role
from marketplace.validators import normalise_kvk, validate_postcode


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class SignUpForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("We are a"),
        choices=[
            (OrganisationKind.MZO, _("Migrant organisation or informal network (MZO)")),
            (OrganisationKind.CARE, _("Youth-care organisation")),
            (OrganisationKind.MUNICIPALITY, _("Municipality")),
        ],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kvk_number = forms.CharField(
        label=_("KvK number"),
        max_length=12,
        help_text=_("8 digits, from the Chamber of Commerce register."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    street = forms.CharField(label=_("Street and house number"), max_length=200, required=False)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=7, required=False, validators=[validate_postcode]
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.current().order_by("name"),
        required=False,
        help_text=_("Required for a municipality: the one you represent."),
    )
    admin_full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    admin_email = forms.EmailField(
        label=_("Your e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_kvk_number(self) -> str:
        return normalise_kvk(self.cleaned_data["kvk_number"])


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kvk_number = forms.CharField(label=_("KvK number"), max_length=12)

    def clean_kvk_number(self) -> str:
        return normalise_kvk(self.cleaned_data["kvk_number"])

    street = forms.CharField(label=_("Street and house number"), max_length=200, required=False)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=7, required=False, validators=[validate_postcode]
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = organisation.allowed_roles()
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in allowed]


class NewAccountForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
