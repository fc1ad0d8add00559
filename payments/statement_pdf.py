"""The monthly allowance statement as a PDF (A4): who pays whom for which month, the hours, the
amount, the year's total so far against the caps, and the legal note on the allowance scheme.

Everything printed comes from the statement's snapshot and its billed entries, never from the
live profile or organisation, so a re-render prints the same document.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from payments.allowance import euro
from payments.models import AllowanceCap, AllowanceStatement


def _hours(value) -> str:
    return formats.number_format(value, 2)


def statement_month_label(statement: AllowanceStatement) -> str:
    return formats.date_format(statement.period_start, "YEAR_MONTH_FORMAT")


def render_statement_pdf(statement: AllowanceStatement) -> bytes:
    """The PDF bytes, in the active language."""
    styles = getSampleStyleSheet()
    normal, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    p = lambda text, style=normal: Paragraph(escape(str(text)).replace("\n", "<br/>"), style)  # noqa: E731
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Volunteer allowance statement %(number)s") % {"number": statement.number},
        author="Brugwerk",
    )
    cap = AllowanceCap.objects.filter(year=statement.year).first()
    story = [
        Paragraph(escape(_("Volunteer allowance statement")), styles["Title"]),
        Table(
            [
                [_("Number"), statement.number],
                [_("Month"), statement_month_label(statement)],
                [_("Date"), formats.date_format(statement.issue_date, "DATE_FORMAT")],
                [_("Pay before"), formats.date_format(statement.due_date, "DATE_FORMAT")],
                [_("Payment reference"), statement.payment_reference],
            ],
            colWidths=[45 * mm, 125 * mm],
            hAlign="LEFT",
        ),
        Spacer(1, 6 * mm),
        Table(
            [
                [p(_("Care organisation (pays)")), p(_("Volunteer (receives)"))],
                [
                    p(f"{statement.organisation_name}\n{statement.organisation_address}"),
                    p(f"{statement.volunteer_name}\n{statement.volunteer_address}"),
                ],
            ],
            colWidths=[85 * mm, 85 * mm],
            hAlign="LEFT",
            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
        ),
        Spacer(1, 6 * mm),
    ]
    rows = [[_("Date"), _("Activity"), _("Hours"), _("Rate"), _("Amount")]]
    billed = statement.entries.select_related(
        "time_entry__activity", "time_entry__engagement"
    ).order_by("time_entry__work_date", "time_entry__pk")
    for line in billed:
        entry = line.time_entry
        rows.append(
            [
                formats.date_format(entry.work_date, "SHORT_DATE_FORMAT"),
                p(entry.activity.name, small),
                _hours(entry.hours),
                euro(entry.engagement.hourly_rate),
                euro(line.amount),
            ]
        )
    rows.append([_("Total"), "", _hours(statement.hours), "", euro(statement.total)])
    table = Table(rows, colWidths=[25 * mm, 70 * mm, 20 * mm, 25 * mm, 30 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm)]
    totals = [
        [
            _("Allowance in %(month)s, all organisations")
            % {"month": statement_month_label(statement)},
            euro(statement.month_total_after),
            _("maximum %(cap)s") % {"cap": euro(cap.per_month)} if cap else "",
        ],
        [
            _("Allowance in %(year)s so far, all organisations") % {"year": statement.year},
            euro(statement.year_total_after),
            _("maximum %(cap)s") % {"cap": euro(cap.per_year)} if cap else "",
        ],
    ]
    story += [
        Table(totals, colWidths=[95 * mm, 35 * mm, 40 * mm], hAlign="LEFT"),
        Spacer(1, 8 * mm),
        p(
            _(
                "This is a volunteer allowance (vrijwilligersvergoeding). Within the legal caps "
                "for %(year)s (%(hour)s per hour, %(hour_u21)s under 21; %(month)s per month; "
                "%(year_cap)s per year, all organisations together) it is not subject to payroll "
                "tax or income tax. Above the yearly cap the whole allowance becomes taxable."
            )
            % {
                "year": statement.year,
                "hour": euro(cap.per_hour) if cap else "-",
                "hour_u21": euro(cap.per_hour_under_21) if cap else "-",
                "month": euro(cap.per_month) if cap else "-",
                "year_cap": euro(cap.per_year) if cap else "-",
            },
            small,
        ),
        p(
            _(
                "Issued through Brugwerk on behalf of %(organisation)s. Keep this statement with "
                "your records."
            )
            % {"organisation": statement.organisation_name},
            small,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
