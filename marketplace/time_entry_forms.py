"""Phone-friendly forms for hours. They validate and present; the services in
marketplace.services.time_entries write (and check every rule again)."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import Engagement
from marketplace.services.time_entries import NOTE_MAX, REASON_MAX
from partners.models import Expertise
from requests.privacy import validate_no_personal_data

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TimeEntryForm(forms.Form):
    work_date = forms.DateField(label=_("Date"), widget=DATE)
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
        help_text=_("In quarters of an hour: 1.5 is an hour and a half."),
    )
    activity = forms.ModelChoiceField(
        label=_("Kind of work"), queryset=Expertise.objects.none(), empty_label=None
    )
    note = forms.CharField(
        label=_("Short note"),
        max_length=NOTE_MAX,
        required=False,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional. What you did, never who it was about: no names, addresses, dates of "
            "birth, phone numbers, e-mail addresses or BSN."
        ),
    )

    def __init__(self, *args, engagement: Engagement, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("activity", engagement.activity_id)
        today = timezone.localdate()
        kwargs["initial"].setdefault("work_date", min(today, engagement.period_end))
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Expertise.objects.active().order_by("position", "pk")
        self.fields["work_date"].widget.attrs.update(
            min=engagement.period_start.isoformat(),
            max=min(today, engagement.period_end).isoformat(),
        )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you reject these hours?"),
        max_length=REASON_MAX,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why you reject these hours.")},
    )


class MaxHoursForm(forms.Form):
    max_hours = forms.DecimalField(
        label=_("New maximum hours"),
        min_value=Decimal("0.25"),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )


class BulkApproveForm(forms.Form):
    entries = forms.TypedMultipleChoiceField(
        label=_("Hours to approve"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the hours you approve.")},
    )

    def __init__(self, *args, entry_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [(pk, str(pk)) for pk in entry_ids]
