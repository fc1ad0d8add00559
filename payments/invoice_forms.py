"""Forms for the invoice pages. They validate input; the services in
payments.services.invoices write."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from payments.models import PaymentStatus
from payments.services.invoices import CREDIT_REASON_MAX


def _month_choices() -> list[tuple[str, str]]:
    today = timezone.localdate()
    choices = []
    year, month = today.year, today.month
    for _i in range(24):
        choices.append((f"{year}-{month:02d}", f"{month:02d}-{year}"))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return choices


def parse_month(value: str) -> tuple[int, int] | None:
    try:
        year, month = (int(part) for part in value.split("-"))
        date(year, month, 1)
    except (ValueError, TypeError):
        return None
    return year, month


class InvoiceFilterForm(forms.Form):
    period = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("The month the invoice covers, e.g. 2026-03."),
    )
    status = forms.ChoiceField(
        label=_("Payment status"),
        required=False,
        choices=[("", _("All")), *PaymentStatus.choices],
    )

    def clean_period(self):
        value = self.cleaned_data["period"].strip()
        if value and parse_month(value) is None:
            raise forms.ValidationError(_("Give a month as YYYY-MM."))
        return value

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data["period"]:
            year, month = parse_month(self.cleaned_data["period"])
            queryset = queryset.filter(period_start__year=year, period_start__month=month)
        if self.cleaned_data["status"]:
            queryset = queryset.filter(payment_status=self.cleaned_data["status"])
        return queryset


class CreditForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the credit note"),
        max_length=CREDIT_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the credit note, e.g. “wrong hourly rate”."),
    )


class IssueForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Care organisation"), queryset=None)
    period = forms.ChoiceField(label=_("Month"), choices=())

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers
        if customers.count() == 1:
            self.fields["customer"].initial = customers.first()
        self.fields["period"].choices = _month_choices()
        self.fields["period"].initial = _month_choices()[1][0]

    def month(self) -> tuple[int, int]:
        return parse_month(self.cleaned_data["period"])


class Ib47Form(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Paying organisation"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["year"].initial = timezone.localdate().year - 1
