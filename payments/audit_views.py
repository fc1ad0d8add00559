"""The municipal audit pages: a read-only dashboard, drill-down to the documents behind a
figure (with their ledger rows), and exports. Only a municipality's auditors (and platform
staff) get in; everyone else gets 403, and another municipality's code gets 403 too."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from payments.ledger import verify_and_record
from payments.models import AllowanceStatement, Invoice, LedgerCheck, LedgerEntry
from payments.reports import charts, coverage_map, exports, figures
from payments.reports.periods import Period, period_from, year
from payments.reports.scope import audited_municipalities, municipality_for


def _scope(request: HttpRequest) -> tuple:
    """(municipality, period, period error) from the query string; an unreadable period falls
    back to this year and says so, keeping what was typed in the filter."""
    municipality = municipality_for(request.user, request.GET.get("municipality"))
    try:
        period = period_from(request.GET)
        error = None
    except ValidationError as exc:
        period, error = year(timezone.localdate().year), exc.messages[0]
    return municipality, period, error


def _heading(municipality, period: Period) -> str:
    return _("Brugwerk audit %(municipality)s, %(period)s") % {
        "municipality": municipality.name,
        "period": period.label,
    }


def ledger_status() -> dict:
    last = LedgerCheck.objects.order_by("-checked_at").first()
    return {"last_check": last, "entries": LedgerEntry.objects.count()}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    municipality, period, error = _scope(request)
    known = figures.facts(municipality, period)
    totals = figures.totals(municipality, period, known)
    breakdowns = figures.breakdowns(municipality, period, known)
    for breakdown in breakdowns:
        breakdown.chart = charts.horizontal_bars(
            [(row.label, row.spend) for row in breakdown.rows if not row.suppressed]
        )
    months = figures.spend_by_month(municipality, period, known)
    context = {
        "municipality": municipality,
        "municipalities": audited_municipalities(request.user).order_by("name"),
        "period": period,
        "period_error": error,
        "params": request.GET,
        "totals": totals,
        "breakdowns": breakdowns,
        "months_chart": charts.columns(months),
        "months": months,
        "footing": figures.footing(municipality, period, known),
        "fairness": figures.fairness(municipality, period),
        "unmet": exports.unmet_table(municipality, period),
        "map": coverage_map.coverage(municipality, period),
        "ledger": ledger_status(),
        "small_count": figures.SMALL_COUNT,
        "query": f"municipality={municipality.code}&{period.query()}",
    }
    return render(request, "audit/dashboard.html", context)


def _documents(
    municipality, period: Period, dimension: str | None, key: str | None, elsewhere: bool = False
):
    """The invoices and statements behind a figure, with the amount of each inside the scope."""
    lines = figures.invoice_lines(municipality, period, elsewhere=elsewhere)
    entries = figures.statement_entries(municipality, period, elsewhere=elsewhere)
    if dimension:
        found = figures.DIMENSION_BY_SLUG.get(dimension)
        if found is None:
            raise Http404
        if found.slug == "partner_kind":
            lines = lines.alias(group_key=figures.PartnerGroup.expression("engagement__")).filter(
                group_key=key
            )
            entries = entries.alias(
                group_key=figures.PartnerGroup.expression("engagement__")
            ).filter(group_key=key)
        else:
            value = None if key in (None, "", "None") else key
            lines = lines.filter(**{f"engagement__{found.key}": value})
            entries = entries.filter(**{f"engagement__{found.key}": value})
    lines, entries = lines.values("pk"), entries.values("pk")
    invoices = (
        Invoice.objects.filter(pk__in=lines.values("invoice"))
        .select_related("payout")
        .annotate(in_scope=Sum("lines__amount", filter=Q(lines__in=lines)))
        .order_by("-period_start", "number")
    )
    statements = (
        AllowanceStatement.objects.filter(pk__in=entries.values("statement"))
        .select_related("payout")
        .annotate(in_scope=Sum("entries__amount", filter=Q(entries__in=entries)))
        .order_by("-period_start", "number")
    )
    return invoices, statements


def _attach_ledger_entries(documents: list) -> None:
    """Each document's ledger rows: its issue (the document itself) and the payments and payout
    that name it (reference = its number, payee = its supplier)."""
    if not documents:
        return
    condition = Q()
    for document in documents:
        condition |= Q(object_type=document._meta.label, object_id=str(document.pk))
        condition |= Q(reference=document.number, payee_id=document.supplier_id)
    found = {}
    for entry in LedgerEntry.objects.filter(condition).order_by("seq"):
        found.setdefault((entry.object_type, entry.object_id), []).append(entry)
        found.setdefault((entry.reference, entry.payee_id), []).append(entry)
    for document in documents:
        own = found.get((document._meta.label, str(document.pk)), [])
        named = found.get((document.number, document.supplier_id), [])
        document.ledger_entries = sorted(
            {e.pk: e for e in own + named}.values(), key=lambda e: e.seq
        )


@login_required
def documents(request: HttpRequest) -> HttpResponse:
    municipality, period, error = _scope(request)
    dimension, key = request.GET.get("dimension"), request.GET.get("key")
    elsewhere = request.GET.get("scope") == "elsewhere"
    invoices, statements = _documents(municipality, period, dimension, key, elsewhere)
    invoices, statements = list(invoices[:500]), list(statements[:500])
    _attach_ledger_entries(invoices + statements)
    context = {
        "municipality": municipality,
        "period": period,
        "period_error": error,
        "dimension": figures.DIMENSION_BY_SLUG.get(dimension),
        "key": key,
        "elsewhere": elsewhere,
        "invoices": invoices,
        "statements": statements,
        "invoices_total": sum((i.in_scope or 0 for i in invoices), 0),
        "statements_total": sum((s.in_scope or 0 for s in statements), 0),
        "ledger": ledger_status(),
        "query": f"municipality={municipality.code}&{period.query()}",
    }
    return render(request, "audit/documents.html", context)


@login_required
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    municipality, period, _error = _scope(request)
    all_tables = exports.tables(municipality, period)
    name = slugify(f"brugwerk-{municipality.name}-{period.value}")
    if fmt == "xlsx":
        if table != "all":
            all_tables = {table: all_tables[table]} if table in all_tables else None
        if not all_tables:
            raise Http404
        response = HttpResponse(
            exports.as_xlsx(all_tables, _heading(municipality, period)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}-{table}.xlsx"'
        return response
    if table not in all_tables:
        raise Http404
    response = HttpResponse(exports.as_csv(all_tables[table]), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}-{table}.csv"'
    return response


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """A printable annual (or any period's) report: every table, the charts and the map."""
    municipality, period, _error = _scope(request)
    known = figures.facts(municipality, period)
    context = {
        "municipality": municipality,
        "period": period,
        "heading": _heading(municipality, period),
        "tables": exports.tables(municipality, period, known),
        "months_chart": charts.columns(figures.spend_by_month(municipality, period, known)),
        "map": coverage_map.coverage(municipality, period),
        "ledger": ledger_status(),
        "generated_at": timezone.now(),
    }
    return render(request, "audit/report.html", context)


@login_required
@require_POST
def verify_ledger(request: HttpRequest) -> HttpResponse:
    municipality_for(request.user, request.POST.get("municipality"))  # auditors and staff only
    check = verify_and_record()
    if check.ok:
        messages.success(
            request, _("The ledger verifies: %(n)s entries.") % {"n": check.entries_checked}
        )
    else:
        messages.error(
            request,
            _("The ledger is broken at entry %(seq)s.") % {"seq": check.first_broken_seq},
        )
    return redirect(request.POST.get("next") or "audit:dashboard")
