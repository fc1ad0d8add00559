"""Pages for invoices and credit notes: list, detail, PDF download, credit note, issue now and
the IB47 download. Every read goes through payments.invoice_selectors, so an invoice of
another organisation answers 404; every write is one service call."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace import audit
from marketplace.errors import DomainError
from marketplace.views import form_error
from payments import invoice_selectors as selectors
from payments.ib47 import ib47_csv
from payments.invoice_forms import CreditForm, Ib47Form, InvoiceFilterForm, IssueForm
from payments.models import Invoice
from payments.services import invoices as services
from payments.storage import document_storage

PAGE_SIZE = 25


def _visible(request: HttpRequest, pk: int) -> Invoice:
    return get_object_or_404(
        selectors.with_invoice_details(selectors.invoices_visible_to(request.user)), pk=pk
    )


@login_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    filters = InvoiceFilterForm(request.GET or None)
    queryset = filters.apply(
        selectors.with_invoice_details(selectors.invoices_visible_to(request.user))
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "invoices/invoice_list.html",
        {
            "page": page,
            "filters": filters,
            "can_issue": selectors.customers_for_issuing(request.user).exists(),
            "can_ib47": selectors.organisations_for_ib47(request.user).exists(),
        },
    )


@login_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _visible(request, pk)
    credit_notes = selectors.invoices_visible_to(request.user).filter(credit_note_of=invoice)
    can_credit = (
        not invoice.is_credit_note
        and not invoice.credit_notes.exists()
        and services.can_credit(request.user, invoice)
    )
    return render(
        request,
        "invoices/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.all(),
            "credit_notes": credit_notes,
            "ledger_rows": selectors.ledger_rows_for(invoice),
            "can_credit": can_credit,
            "credit_form": CreditForm() if can_credit else None,
        },
    )


@login_required
def invoice_pdf(request: HttpRequest, pk: int) -> FileResponse:
    invoice = _visible(request, pk)
    if not invoice.pdf:
        # Not rendered yet (the task is queued): render now rather than make them wait.
        invoice = services.invoice_pdf_ensure(invoice)
    storage = document_storage()
    if not storage.exists(invoice.pdf.name):
        raise Http404
    audit.record(
        actor=request.user, action="invoice.downloaded", obj=invoice, organisation=invoice.customer
    )
    prefix = "creditnota" if invoice.is_credit_note else "factuur"
    return FileResponse(
        storage.open(invoice.pdf.name, "rb"),
        as_attachment=True,
        filename=f"{prefix}-{invoice.number}.pdf",
        content_type="application/pdf",
    )


@login_required
def invoice_credit(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _visible(request, pk)
    if not services.can_credit(request.user, invoice):
        raise Http404
    form = CreditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credit = services.invoice_credit(
                actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("Credit note %(number)s issued for invoice %(original)s.")
                % {"number": credit.number, "original": invoice.number},
            )
            return redirect("invoices:detail", pk=credit.pk)
    return render(
        request,
        "invoices/invoice_credit.html",
        {"invoice": invoice, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def invoice_issue(request: HttpRequest) -> HttpResponse:
    customers = selectors.customers_for_issuing(request.user)
    if not customers.exists():
        raise Http404
    form = IssueForm(request.POST or None, customers=customers)
    if request.method == "POST" and form.is_valid():
        year, month = form.month()
        try:
            run = services.invoice_issue(
                actor=request.user, customer=form.cleaned_data["customer"], year=year, month=month
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            if run.issued:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d invoice issued.", "%(count)d invoices issued.", len(run.issued)
                    )
                    % {"count": len(run.issued)},
                )
            else:
                messages.info(request, _("There were no approved hours left to invoice."))
            for _supplier, _customer, reason in run.skipped:
                messages.warning(request, _("Not invoiced: %(reason)s") % {"reason": reason})
            return redirect("invoices:list")
    return render(
        request,
        "invoices/invoice_issue.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def ib47(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations_for_ib47(request.user)
    if not organisations.exists():
        raise Http404
    form = Ib47Form(request.GET or None, organisations=organisations)
    if request.GET and form.is_valid():
        organisation, year = form.cleaned_data["organisation"], form.cleaned_data["year"]
        audit.record(
            actor=request.user,
            action="ib47.downloaded",
            obj=organisation,
            organisation=organisation,
            year=year,
        )
        response = HttpResponse(
            ib47_csv(organisation, year), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="ib47-{organisation.pk}-{year}.csv"'
        )
        return response
    return render(
        request,
        "invoices/ib47.html",
        {"form": form},
        status=400 if request.GET else 200,
    )
