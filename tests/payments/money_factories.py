"""Issued documents for money-move tests: every snapshot field filled, numbered by
payments.numbering inside the issuing transaction, as the invoicing services do."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from marketplace.models import Role
from payments.models import AllowanceStatement, Invoice
from payments.numbering import formatted, next_number, payment_reference
from tests.factories import MembershipFactory, UserFactory
from tests.marketplace.engagement_factories import care_organisation
from tests.partners.factories import KeyPersonProfileFactory


def care_payer(name="Jeugdteam Schilderswijk"):
    """A care organisation and one of its coordinators (who may pay)."""
    organisation = care_organisation(name=name)
    user = MembershipFactory(organisation=organisation, role=Role.COORDINATOR).user
    return organisation, user


def partner(**kwargs):
    kwargs.setdefault("iban", "NL20INGB0001234567")
    kwargs.setdefault("account_holder", "M. Tesfay")
    kwargs.setdefault("street", "Hoefkade 12")
    kwargs.setdefault("postcode", "2526 AB")
    kwargs.setdefault("city", "Den Haag")
    return KeyPersonProfileFactory(user=kwargs.pop("user", None) or UserFactory(), **kwargs)


def issue_invoice(*, customer, supplier, subtotal=Decimal("100.00")) -> Invoice:
    today = timezone.localdate()
    series = f"invoice-{supplier.pk}-{today.year}"
    with transaction.atomic():
        sequence = next_number(series)
        invoice = Invoice(
            number=formatted(today.year, sequence),
            series=series,
            sequence=sequence,
            customer=customer,
            supplier=supplier,
            issue_date=today,
            due_date=today + timedelta(days=14),
            period_start=today.replace(day=1),
            period_end=today,
            total=subtotal,
            # Issued invoices never change: the reference is known before the row is stored.
            payment_reference=payment_reference(1, supplier.pk * 10**6 + sequence),
            supplier_name=supplier.display_name,
            supplier_address="Hoefkade 12, 2526 AB Den Haag",
            supplier_kvk="",
            supplier_iban=supplier.iban,
            customer_name=customer.name,
            customer_address="Zorgstraat 1, 2500 AA Den Haag",
            customer_kvk=customer.kvk_number,
            vat_code="exempt",
            vat_rate=Decimal("0.00"),
            vat_note="Vrijgesteld (art. 11 Wet OB)",
            subtotal=subtotal,
            vat_amount=Decimal("0.00"),
        )
        invoice.save()
    return invoice


def issue_statement(*, customer, supplier, total=Decimal("40.00")) -> AllowanceStatement:
    today = timezone.localdate()
    series = f"statement-{customer.pk}-{today.year}"
    with transaction.atomic():
        sequence = next_number(series)
        statement = AllowanceStatement.objects.create(
            number=formatted(today.year, sequence),
            series=series,
            sequence=sequence,
            customer=customer,
            supplier=supplier,
            issue_date=today,
            due_date=today + timedelta(days=14),
            period_start=today.replace(day=1),
            period_end=today,
            total=total,
            payment_reference=f"tmp-{series}-{sequence}",
            year=today.year,
            month=today.month,
            hours=Decimal("8.00"),
            volunteer_name=supplier.display_name,
            volunteer_address="Hoefkade 12, 2526 AB Den Haag",
            organisation_name=customer.name,
            organisation_address="Zorgstraat 1, 2500 AA Den Haag",
            year_total_after=total,
            month_total_after=total,
        )
        statement.payment_reference = payment_reference(2, statement.pk)
        statement.save(update_fields=["payment_reference"])
    return statement
