"""The audit tables as rows, and those rows as CSV or XLSX: the page, the files and the API show
the same figures because they all come from `tables()`."""

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from payments.reports import figures
from payments.reports.figures import SMALL_COUNT


def _cell(row: figures.Row, value):
    return f"<{SMALL_COUNT}" if row.suppressed else value


def tables(municipality, period, known: figures.Facts | None = None) -> dict[str, dict]:
    """{slug: {"title", "header", "rows"}} of every table on the dashboard."""
    out = {}
    known = known or figures.facts(municipality, period)
    totals = figures.totals(municipality, period, known)
    footing = figures.footing(municipality, period, known)
    out["totals"] = {
        "title": _("Totals"),
        "header": [_("Figure"), _("Value")],
        "rows": [
            [_("Spend excl. VAT (€)"), totals.spend],
            [_("of which invoiced (€)"), totals.invoiced],
            [_("of which volunteer allowance (€)"), totals.allowance],
            [_("Approved hours"), totals.hours],
            [_("Engagements"), totals.engagements],
            [_("Support requests"), totals.requests],
            [_("Spent elsewhere by care organisations it contracts (€)"), totals.elsewhere],
            [_("Paid out to partners (€)"), footing.paid_out],
            [_("Median days from approval to payout"), footing.payout_days_median],
            [_("90th percentile days from approval to payout"), footing.payout_days_p90],
        ],
    }
    out["months"] = {
        "title": _("Spend per month"),
        "header": [_("Month"), _("Spend excl. VAT (€)")],
        "rows": [
            [month.strftime("%Y-%m"), spend]
            for month, spend in figures.spend_by_month(municipality, period, known)
        ],
    }
    for breakdown in figures.breakdowns(municipality, period, known):
        dimension = breakdown.dimension
        out[dimension.slug] = {
            "title": str(dimension.title),
            "header": [
                str(dimension.title),
                _("Spend excl. VAT (€)"),
                _("Approved hours"),
                _("Engagements"),
            ],
            "rows": [
                [
                    row.label,
                    _cell(row, row.spend),
                    _cell(row, row.hours),
                    _cell(row, row.engagements),
                ]
                for row in breakdown.rows
            ],
        }
    out["parity"] = {
        "title": _("Agreed rate against the reference rate"),
        "header": [
            _("Kind of work"),
            _("Engagements"),
            _("Below parity"),
            _("Average agreed rate (€)"),
            _("Average reference rate (€)"),
            _("Parity index"),
        ],
        "rows": [
            [
                p["activity"],
                p["engagements"],
                p["below_parity"],
                p["average_rate"],
                p["average_reference"],
                p["index"],
            ]
            for p in footing.parity
        ],
    }
    out["compensation"] = {
        "title": _("Hours by way of payment"),
        "header": [_("Way of payment"), _("Approved hours"), _("Share")],
        "rows": [[m["mode"], m["hours"], round(m["share"], 3)] for m in footing.hours_by_mode],
    }
    out["unmet"] = unmet_table(municipality, period)
    return out


def unmet_table(municipality, period) -> dict:
    """Requests that found nobody per language and district; small cells read "<5"."""
    unmet = figures.unmet_by_language_and_district(municipality, period)
    return {
        "title": _("Requests that found nobody, by language and district"),
        "header": [_("Language"), *unmet["districts"]],
        "rows": [
            [
                language,
                *[
                    (f"<{SMALL_COUNT}" if 0 < cells.get(d, 0) < SMALL_COUNT else cells.get(d, 0))
                    for d in unmet["districts"]
                ],
            ]
            for language, cells in unmet["rows"]
        ],
    }


def as_csv(table: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # what Dutch spreadsheet settings open directly
    writer.writerow(table["header"])
    writer.writerows(table["rows"])
    return buffer.getvalue()


def as_xlsx(all_tables: dict[str, dict], heading: str) -> bytes:
    """One sheet per table; money as numbers with two decimals so totals can be summed."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for slug, table in all_tables.items():
        sheet = workbook.create_sheet(title=slug[:31])
        sheet.append([heading])
        sheet.append([table["title"]])
        sheet.append(table["header"])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in table["rows"]:
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, float):
                    cell.number_format = "0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
