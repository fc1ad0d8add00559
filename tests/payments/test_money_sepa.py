from decimal import Decimal

import pytest

from payments import ledger, sepa
from payments.models import Payout, PayoutState
from payments.services import payments as services
from payments.services import payouts
from tests.factories import UserFactory
from tests.payments.money_factories import care_payer, issue_invoice, issue_statement, partner

pytestmark = pytest.mark.django_db


def test_sepa_batch_is_valid_pain_001_001_09_with_sums_and_counts(
    mailoutbox, django_capture_on_commit_callbacks
):
    customer, _ = care_payer()
    staff = UserFactory(is_staff=True)
    a, b = partner(), partner(street="Wingerdstraat 3-B")
    for document in (
        issue_invoice(customer=customer, supplier=a, subtotal=Decimal("123.45")),
        issue_statement(customer=customer, supplier=b, total=Decimal("40.10")),
    ):
        services.record_bank_transfer(
            actor=staff, reference=document.payment_reference, amount=document.total
        )

    batch = payouts.create_sepa_batch(actor=staff)

    sepa.validate(batch.xml)
    assert sepa.summary(batch.xml) == (2, Decimal("163.55"))
    assert batch.control_sum == Decimal("163.55") and batch.number_of_transactions == 2
    assert "<StrtNm>Wingerdstraat</StrtNm>" in batch.xml
    assert set(Payout.objects.values_list("state", flat=True)) == {PayoutState.SENT}

    with django_capture_on_commit_callbacks(execute=True):
        payouts.mark_batch_executed(actor=staff, batch=batch)

    paid = Payout.objects.filter(state=PayoutState.PAID)
    assert paid.count() == 2
    assert all(p.days_to_payout is not None for p in paid)
    assert len(mailoutbox) == 2
    assert ledger.verify().ok


def test_invalid_file_is_refused():
    with pytest.raises(sepa.SepaFileInvalid):
        sepa.validate("<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.001.001.09'/>")


def test_partner_sees_only_own_payouts():
    customer, _ = care_payer()
    staff = UserFactory(is_staff=True)
    a, b = partner(), partner()
    for supplier in (a, b):
        document = issue_invoice(customer=customer, supplier=supplier)
        services.record_bank_transfer(
            actor=staff, reference=document.payment_reference, amount=document.total
        )

    assert list(Payout.objects.visible_to(a.user).values_list("partner", flat=True)) == [a.pk]
