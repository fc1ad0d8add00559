"""50 invoices for one supplier issued at the same moment, each in its own thread and database
connection: the supplier's series gets exactly the numbers 1..50 (no gap, no duplicate)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from payments import ledger
from payments.models import Invoice
from payments.services import invoices as services
from tests.payments.factories import approved, care_org, engagement, freelancer, last_month

pytestmark = pytest.mark.django_db(transaction=True)

N = 50


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_fifty_concurrent_invoices_get_numbers_one_to_fifty():
    supplier = freelancer()
    staff = get_user_model().objects.create_user(
        email="staff@brugwerk.example", password="x", full_name="Staff", is_staff=True
    )
    customers = []
    for i in range(N):
        customer = care_org(f"Zorg {i}", kvk_number=f"{20000000 + i}")
        approved(engagement(supplier, customer), by=staff)
        customers.append(customer)
    _, year, month = last_month()
    barrier = threading.Barrier(N)
    errors: list = []

    def issue(customer):
        try:
            barrier.wait(timeout=30)
            services.invoice_issue(actor=staff, customer=customer, year=year, month=month)
        except Exception as exc:  # collected to assert on
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    sequences = sorted(Invoice.objects.filter(supplier=supplier).values_list("sequence", flat=True))
    assert sequences == list(range(1, N + 1))
    assert len(set(Invoice.objects.values_list("number", flat=True))) == N
    assert ledger.verify().ok
