"""The invoice (or credit note) as an A4 PDF, rendered with reportlab from the issued snapshot.

The document is Dutch, as the law reads it: every mandatory field of a (self-billed) invoice is
printed with its Dutch label. DejaVu Sans is used where it is installed (names in any script);
otherwise the built-in Helvetica.
"""

from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from payments.models import Invoice

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
SELF_BILLING_TEXT = "Factuur uitgereikt door afnemer"


@cache
def _fonts() -> tuple[str, str]:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def euro(amount: Decimal) -> str:
    """€ 1.234,56 (Dutch notation)."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}€ {'.'.join(groups)},{cents}"


def _number(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _date(value) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def render_invoice_pdf(invoice: Invoice) -> bytes:
    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.grey)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=16, leading=20)
    label = ParagraphStyle("label", parent=body, fontName=bold)

    def p(text, style=body):
        return Paragraph(escape(str(text)), style)

    credit = invoice.kind == "credit_note"
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{'Creditnota' if credit else 'Factuur'} {invoice.number}",
        author=invoice.supplier_name,
        creator="Brugwerk",
    )
    story = [p("Creditnota" if credit else "Factuur", heading), Spacer(1, 2 * mm)]
    story.append(p(SELF_BILLING_TEXT + " (Brugwerk, namens de leverancier)", label))
    story.append(Spacer(1, 5 * mm))

    supplier = [
        p("Leverancier", label),
        p(invoice.supplier_name),
        p(invoice.supplier_address),
        p(f"KvK-nummer: {invoice.supplier_kvk or '—'}"),
        p(f"Btw-id: {invoice.supplier_vat_id or '—'}"),
    ]
    if invoice.supplier_iban:
        supplier.append(p(f"IBAN: {invoice.supplier_iban}"))
    customer = [
        p("Afnemer", label),
        p(invoice.customer_name),
        p(invoice.customer_address),
        p(f"KvK-nummer: {invoice.customer_kvk or '—'}"),
    ]
    parties = Table([[supplier, customer]], colWidths=[87 * mm, 87 * mm])
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [parties, Spacer(1, 5 * mm)]

    facts = [
        ["Factuurnummer", invoice.number],
        ["Factuurdatum", _date(invoice.issue_date)],
        ["Leveringsperiode", f"{_date(invoice.period_start)} t/m {_date(invoice.period_end)}"],
        ["Vervaldatum", _date(invoice.due_date)],
        ["Betalingskenmerk", invoice.payment_reference],
    ]
    if credit and invoice.credit_note_of_id:
        facts.append(["Creditering van factuur", invoice.credit_note_of.number])
        facts.append(["Reden", invoice.credit_reason])
    facts_table = Table(
        [[p(k, label), p(v)] for k, v in facts], colWidths=[45 * mm, 129 * mm], hAlign="LEFT"
    )
    story += [facts_table, Spacer(1, 6 * mm)]

    rows = [[p("Omschrijving", label), p("Uren", label), p("Tarief", label), p("Bedrag", label)]]
    for line in invoice.lines.order_by("position"):
        rows.append(
            [
                p(line.description),
                p(_number(line.quantity)),
                p(euro(line.unit_price)),
                p(euro(line.amount)),
            ]
        )
    lines = Table(rows, colWidths=[104 * mm, 18 * mm, 24 * mm, 28 * mm], repeatRows=1)
    lines.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [lines, Spacer(1, 4 * mm)]

    rate = f"{invoice.vat_rate.normalize():f}%"
    totals = [
        ["Totaal exclusief btw", euro(invoice.subtotal)],
        [f"Btw {rate} over {euro(invoice.subtotal)}", euro(invoice.vat_amount)],
        ["Totaal inclusief btw", euro(invoice.total)],
    ]
    totals_table = Table(
        [
            [p(k, label if i == 2 else body), p(v, label if i == 2 else body)]
            for i, (k, v) in enumerate(totals)
        ],
        colWidths=[60 * mm, 30 * mm],
        hAlign="RIGHT",
    )
    totals_table.setStyle(TableStyle([("LINEABOVE", (0, 2), (-1, 2), 0.8, colors.black)]))
    story += [totals_table, Spacer(1, 5 * mm)]
    if invoice.vat_note:
        story.append(p(f"Btw: {invoice.vat_note}", label))
    if not credit:
        story.append(
            p(
                f"Graag betalen vóór {_date(invoice.due_date)} op IBAN "
                f"{invoice.supplier_iban or 'van de leverancier'} onder vermelding van "
                f"betalingskenmerk {invoice.payment_reference}."
            )
        )
    story += [
        Spacer(1, 6 * mm),
        p(
            "Deze factuur is door Brugwerk namens de leverancier opgemaakt en uitgereikt "
            "(self-billing), op grond van de vooraf gesloten overeenkomst met de leverancier.",
            small,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
