"""Pages for volunteer allowance: the volunteer's "My allowance" (usage against the caps, their
statements), the care organisation's statements (list, detail, issuing a month on demand), and
the permission-checked PDF download. Everything is read through the scoped selectors, so another
organisation or volunteer gets a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from marketplace.engagement_selectors import engagements_visible_to, is_care_side
from marketplace.errors import DomainError
from marketplace.views import form_error
from partners.models import CompensationMode
from payments import statement_selectors as selectors
from payments.allowance import allowance_notice, allowance_usage, hourly_cap_for
from payments.months import previous_month
from payments.services.compensation import engagement_change_compensation
from payments.services.statements import statements_issue_for_month
from payments.statement_tasks import render_statement_pdf_task
from payments.storage import document_storage
from requests.privacy import validate_no_personal_data

PAGE_SIZE = 25


class IssueMonthForm(forms.Form):
    month = forms.DateField(
        label=gettext_lazy("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=gettext_lazy(
            "Statements are made of the approved allowance hours of that month that no "
            "statement covers yet."
        ),
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month > timezone.localdate():
            raise forms.ValidationError(_("Choose this month or an earlier one."))
        return month


class CompensationForm(forms.Form):
    mode = forms.ChoiceField(
        label=gettext_lazy("Pay this work as"),
        choices=CompensationMode.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=1000,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For example: the volunteer reached the yearly allowance maximum. Hours already "
            "on a statement or invoice stay there; the rest is paid the new way."
        ),
    )


def _usage_block(profile, today):
    """What the volunteer's allowance box shows; None when the year has no caps recorded."""
    try:
        usage = allowance_usage(profile, today.year, today.month)
        hourly = hourly_cap_for(profile, today)
    except DomainError:
        return None
    return {
        "profile": profile,
        "usage": usage,
        "hourly": hourly,
        "notice": allowance_notice(profile, today),
    }


@login_required
def my_allowance(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    profiles = list(selectors.volunteers_of(request.user).order_by("display_name", "pk"))
    blocks = [b for b in (_usage_block(p, today) for p in profiles) if b]
    statements = (
        selectors.statements_visible_to(request.user)
        .filter(supplier__in=[p.pk for p in profiles])
        .order_by("-year", "-month", "-sequence")
    )
    return render(
        request,
        "statements/my_allowance.html",
        {
            "profiles": profiles,
            "blocks": blocks,
            "page": Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page")),
            "today": today,
        },
    )


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    """The care organisation's statements, refusals at a cap, and issuing a month on demand."""
    statements = selectors.statements_of_care_side(request.user)
    can_issue = request.user.is_staff or selectors.care_organisations_of_user(request.user)
    if not can_issue:
        raise Http404
    year, month = previous_month()
    form = IssueMonthForm(
        request.POST or None,
        initial={"month": timezone.localdate().replace(year=year, month=month, day=1)},
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["month"]
        try:
            run = statements_issue_for_month(chosen.year, chosen.month, actor=request.user)
        except DomainError as exc:
            form.add_error("month", exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s statement issued.", "%(count)s statements issued.", len(run.issued)
                )
                % {"count": len(run.issued)},
            )
            for skipped in run.skipped:
                messages.error(request, skipped.reason)
            return redirect("statements:list")
    return render(
        request,
        "statements/statement_list.html",
        {
            "page": Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page")),
            "notices": selectors.refusal_notices_for(request.user)[:20],
            "form": form,
        },
    )


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_object_or_404(selectors.statements_visible_to(request.user), pk=pk)
    entries = statement.entries.select_related(
        "time_entry__activity", "time_entry__engagement"
    ).order_by("time_entry__work_date", "time_entry__pk")
    notice = None
    if is_care_side(request.user, statement.customer_id):
        notice = allowance_notice(statement.supplier, timezone.localdate())
    return render(
        request,
        "statements/statement_detail.html",
        {"statement": statement, "entries": entries, "notice": notice},
    )


@login_required
def statement_pdf(request: HttpRequest, pk: int) -> FileResponse:
    statement = get_object_or_404(selectors.statements_visible_to(request.user), pk=pk)
    if not statement.pdf:
        render_statement_pdf_task(statement.pk)  # not rendered yet (worker behind): now
        statement.refresh_from_db()
    handle = document_storage().open(statement.pdf.name, "rb")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{statement.number}.pdf",
        content_type="application/pdf",
    )


@login_required
def engagement_compensation(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    """The care side switches how an engagement is paid, e.g. to invoice at the allowance cap."""
    engagement = get_object_or_404(
        engagements_visible_to(request.user).select_related("partner", "organisation"),
        pk=engagement_pk,
    )
    if not is_care_side(request.user, engagement.organisation_id):
        raise Http404
    form = CompensationForm(request.POST or None, initial={"mode": engagement.compensation_mode})
    if request.method == "POST" and form.is_valid():
        try:
            engagement_change_compensation(
                actor=request.user,
                engagement=engagement,
                mode=form.cleaned_data["mode"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The compensation has been changed."))
            return redirect("engagements:detail", pk=engagement.pk)
    notice = allowance_notice(engagement.partner, timezone.localdate())
    return render(
        request,
        "statements/compensation.html",
        {"engagement": engagement, "form": form, "notice": notice},
        status=400 if request.method == "POST" else 200,
    )
