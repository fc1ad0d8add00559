"""The IB47 list: informal helpers paid by invoice without KvK, per paying organisation and year."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from marketplace.models import Role
from payments.ib47 import ib47_csv, ib47_rows
from payments.services import invoices as services
from tests.factories import MembershipFactory, UserFactory
from tests.payments.factories import approved, care_org, engagement, freelancer, last_month, mzo

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_invoices():
    customer = care_org()
    coordinator = MembershipFactory(organisation=customer, role=Role.COORDINATOR).user
    admin = MembershipFactory(organisation=customer, role=Role.ADMIN).user
    informal = freelancer(
        "Hawa Informeel",
        kvk_number="",
        date_of_birth=date(1980, 5, 17),
        user=UserFactory(email="hawa@example.org"),
    )
    entrepreneur = freelancer("Zzp Ondernemer", user=UserFactory(email="zzp@example.org"))
    foundation = mzo()
    approved(engagement(informal, customer), by=coordinator, hours="3.00")
    approved(engagement(entrepreneur, customer), by=coordinator)
    approved(engagement(foundation, customer, mode="invoice_org"), by=coordinator)
    approved(engagement(informal, care_org("Andere Zorg", kvk_number="55555555")), by=coordinator)
    _, year, month = last_month()
    run = services.invoices_issue_for_month(year, month, queue_pdfs=False)
    return customer, admin, informal, run, year


def test_only_informal_helpers_without_kvk_with_their_total_and_birth_date(year_of_invoices):
    customer, _admin, _informal, _run, year = year_of_invoices

    rows = ib47_rows(customer, year)

    assert [(r.name, r.amount, r.invoices) for r in rows] == [
        ("Hawa Informeel", Decimal("120.00"), 1)
    ]
    assert rows[0].date_of_birth == date(1980, 5, 17)
    assert "Vaillantlaan 100" in rows[0].address
    assert ib47_rows(customer, year - 1) == []


def test_a_credited_invoice_drops_off_the_list(year_of_invoices):
    customer, admin, informal, run, year = year_of_invoices
    invoice = next(i for i in run.issued if i.supplier_id == informal.pk and i.customer == customer)

    services.invoice_credit(actor=admin, invoice=invoice, reason="Niet geleverd")

    assert ib47_rows(customer, year) == []


def test_csv_has_a_bsn_note_blank_bsn_and_dutch_amounts(year_of_invoices, capsys):
    customer, *_rest, year = year_of_invoices

    call_command("ib47", "--organisation", str(customer.pk), "--year", str(year))
    out = capsys.readouterr().out

    assert out == ib47_csv(customer, year)
    rows = list(csv.reader(io.StringIO(out), delimiter=";"))
    assert "BSN" in rows[0][0]
    assert rows[2][:3] == ["Naam", "Adres", "BSN"]
    assert rows[3][0] == "Hawa Informeel" and rows[3][2] == "" and rows[3][3] == "17-05-1980"
    assert rows[3][4] == "120,00"
    with pytest.raises(CommandError):
        call_command("ib47", "--organisation", "999999", "--year", str(year))
