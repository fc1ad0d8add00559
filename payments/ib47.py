"""The IB47 list: what a paying organisation paid in a year to informal helpers who are neither
volunteers under the allowance scheme nor registered entrepreneurs, to report to the
Belastingdienst (opgaaf uitbetaalde bedragen aan derden) before 1 February of the next year.

Who is on it: individual key persons (not an MZO) whom the organisation paid by invoice, whose
invoices carry no KvK number. Allowance statements are reported differently (the volunteer scheme)
and are not on this list. The amount is what was invoiced for the year's months, net of credit
notes. Brugwerk never stores a BSN, so that column is left for the organisation to fill in.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from marketplace.models import Organisation
from partners.models import PartnerKind, PartnerProfile
from payments.models import Invoice

HEADER = [
    "Naam",
    "Adres",
    "BSN",
    "Geboortedatum",
    "Totaal bedrag (EUR)",
    "Aantal facturen",
    "Periode",
]
NOTE = (
    "IB47-opgaaf uitbetaalde bedragen aan derden. Brugwerk slaat geen BSN op: "
    "vul het BSN zelf in voordat u de opgaaf indient."
)


@dataclass(frozen=True)
class Ib47Row:
    supplier_id: int
    name: str
    address: str
    date_of_birth: object
    amount: Decimal
    invoices: int


def ib47_rows(organisation: Organisation, year: int) -> list[Ib47Row]:
    totals = (
        Invoice.objects.filter(
            customer=organisation,
            period_start__year=year,
            supplier__kind=PartnerKind.KEY_PERSON,
            supplier_kvk="",
        )
        .values("supplier_id")
        .annotate(amount=Sum("total"), invoices=Count("pk", distinct=True))
        .order_by("supplier_id")
    )
    totals = [row for row in totals if row["amount"] > 0]
    latest = {}
    for invoice in (
        Invoice.objects.filter(
            customer=organisation,
            period_start__year=year,
            supplier_id__in=[row["supplier_id"] for row in totals],
        )
        .order_by("supplier_id", "-issue_date", "-pk")
        .only("supplier_id", "supplier_name", "supplier_address")
    ):
        latest.setdefault(invoice.supplier_id, invoice)
    births = dict(PartnerProfile.objects.filter(pk__in=latest).values_list("pk", "date_of_birth"))
    rows = [
        Ib47Row(
            supplier_id=row["supplier_id"],
            name=latest[row["supplier_id"]].supplier_name,
            address=latest[row["supplier_id"]].supplier_address,
            date_of_birth=births.get(row["supplier_id"]),
            amount=row["amount"],
            invoices=row["invoices"],
        )
        for row in totals
    ]
    return sorted(rows, key=lambda r: (r.name.lower(), r.supplier_id))


def ib47_csv(organisation: Organisation, year: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([f"# {NOTE}"])
    writer.writerow([f"# Uitbetaler: {organisation.name} (KvK {organisation.kvk_number or '-'})"])
    writer.writerow(HEADER)
    for row in ib47_rows(organisation, year):
        writer.writerow(
            [
                row.name,
                row.address,
                "",
                row.date_of_birth.strftime("%d-%m-%Y") if row.date_of_birth else "",
                f"{row.amount:.2f}".replace(".", ","),
                row.invoices,
                str(year),
            ]
        )
    return buffer.getvalue()
