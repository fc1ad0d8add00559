"""Phone-friendly forms for invitations, engagements and bookings. They validate and present;
the services in marketplace.services.engagements write."""

import re
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.services.engagements import MESSAGE_MAX, NOTE_MAX, REASON_MAX
from partners.models import PartnerProfile
from requests.models import SupportRequest
from requests.privacy import validate_no_personal_data

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InviteDetailsForm(forms.Form):
    """The date to respond by and the message, shared by every partner invited at once."""

    respond_before = forms.DateField(
        label=_("Respond before"),
        widget=DATE,
        help_text=_("The last day the partner can accept or decline."),
    )
    message = forms.CharField(
        label=_("Message to the partner"),
        max_length=MESSAGE_MAX,
        required=False,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional. About the work, never about a person: no names, addresses, dates of "
            "birth, phone numbers, e-mail addresses or BSN."
        ),
    )

    def __init__(self, *args, support_request: SupportRequest, **kwargs):
        self.support_request = support_request
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("respond_before", self.default_date(support_request))
        super().__init__(*args, **kwargs)
        self.fields["respond_before"].widget.attrs.update(
            min=timezone.localdate().isoformat(), max=support_request.period_end.isoformat()
        )

    @staticmethod
    def default_date(support_request: SupportRequest):
        """A week from today, but not after the request's own deadline or period."""
        today = timezone.localdate()
        latest = min(support_request.response_deadline, support_request.period_end)
        return max(today, min(today + timedelta(days=7), latest))

    def clean_respond_before(self):
        day = self.cleaned_data["respond_before"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later date."))
        if day > self.support_request.period_end:
            raise forms.ValidationError(_("Choose a date before the end of the request's period."))
        return day


class ProposalSelectionForm(forms.Form):
    """Which of the proposed partners to invite (checkboxes shown inside the proposal cards)."""

    proposals = forms.TypedMultipleChoiceField(
        label=_("Partners to invite"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one partner to invite.")},
    )

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = {p.pk: p for p in proposals if not p.open_invitation}
        self.fields["proposals"].choices = [
            (pk, proposal.partner.display_name) for pk, proposal in self.proposals.items()
        ]

    def chosen(self) -> list:
        return [self.proposals[pk] for pk in self.cleaned_data["proposals"]]


_PARTNER_LINK = re.compile(r"/partners/(\d+)/?")


class DirectoryInviteForm(InviteDetailsForm):
    """Invite someone matching did not propose: the number (or link) of their directory page."""

    partner = forms.CharField(
        label=_("Partner"),
        max_length=300,
        help_text=_(
            "The number of the partner's page in the directory, or the link to it "
            "(e.g. …/partners/12/)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "url"}),
    )
    field_order = ["partner", "respond_before", "message"]

    def clean_partner(self) -> PartnerProfile:
        value = self.cleaned_data["partner"].strip()
        found = _PARTNER_LINK.search(value)
        number = found.group(1) if found else value.lstrip("#")
        profile = (
            PartnerProfile.objects.listed().filter(pk=int(number)).first()
            if number.isdigit()
            else None
        )
        if profile is None:
            raise forms.ValidationError(
                _("No partner with this number is listed in the directory.")
            )
        return profile


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=REASON_MAX,
        required=False,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Helps the coordinator, e.g. “no time in this period”."),
    )


class CompleteForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did the cooperation go? (1 = poor, 5 = excellent)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    on_time = forms.NullBooleanField(
        label=_("Were the hours delivered on time?"),
        required=False,
        widget=forms.NullBooleanSelect,
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=REASON_MAX,
        required=False,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BookOfferForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Care organisation"), queryset=None, empty_label=None
    )
    period_start = forms.DateField(label=_("Start"), widget=DATE)
    period_end = forms.DateField(label=_("End"), widget=DATE)
    hours = forms.DecimalField(
        label=_("Maximum hours"),
        max_digits=7,
        decimal_places=2,
        min_value=0.25,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "inputmode": "decimal"}),
        help_text=_("Leave empty for the offer's own duration."),
    )
    note = forms.CharField(
        label=_("Agreed work (optional)"),
        max_length=NOTE_MAX,
        required=False,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you agree on, never about a person."),
    )
    rate_above_cap_reason = forms.CharField(
        label=_("Reason for a rate above the allowance guideline"),
        max_length=300,
        required=False,
        validators=[validate_no_personal_data],
        help_text=_(
            "This partner is paid a volunteer allowance, and this rate is above the legal "
            "hourly guideline. Say why the rate is right; it is recorded."
        ),
    )

    def __init__(self, *args, organisations=(), rate_reason_needed=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not rate_reason_needed:
            del self.fields["rate_above_cap_reason"]
        organisations = list(organisations)
        if len(organisations) <= 1:
            del self.fields["organisation"]
            self.organisation = organisations[0] if organisations else None
        else:
            self.fields["organisation"].queryset = type(organisations[0]).objects.filter(
                pk__in=[o.pk for o in organisations]
            )
            self.organisation = None
        today = timezone.localdate().isoformat()
        self.fields["period_start"].widget.attrs["min"] = today
        self.fields["period_end"].widget.attrs["min"] = today

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and start < timezone.localdate():
            self.add_error("period_start", _("The period cannot start in the past."))
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        if cleaned.get("organisation") is not None:
            self.organisation = cleaned["organisation"]
        return cleaned
