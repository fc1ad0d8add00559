"""The hash-chained ledger: appends chain, verify names the first broken row, rows never change."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, InternalError, connection, transaction

from payments import ledger
from payments.models import LedgerCheck, LedgerEntry, LedgerEventKind
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _events(n: int):
    payer = OrganisationFactory()
    entries = []
    for i in range(n):
        with transaction.atomic():
            entries.append(
                ledger.append(
                    kind=LedgerEventKind.PAYMENT_RECEIVED,
                    amount=Decimal("10.00") + i,
                    obj=payer,
                    payer=payer,
                    reference=f"REF-{i}",
                    data={"i": i, "note": "é"},
                )
            )
    return entries


def _tamper(sql: str, params):
    """Alter a row behind the application's back, as an attacker with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Triggers off for this statement only, as a superuser could do.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_appends_chain_each_row_to_the_one_before():
    first, second, third = _events(3)

    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert first.prev_hash == ledger.GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert ledger.verify().ok


def test_verify_ledger_command_passes_on_an_intact_chain(capsys):
    _events(4)

    call_command("verify_ledger")

    assert "4 rows verified" in capsys.readouterr().out
    assert LedgerCheck.objects.latest().ok


def test_verify_ledger_names_the_row_altered_directly_in_sql():
    entries = _events(5)
    _tamper("UPDATE payments_ledgerentry SET amount = %s WHERE seq = %s", [Decimal("999.00"), 3])

    with pytest.raises(CommandError, match=r"row #3"):
        call_command("verify_ledger")

    check = LedgerCheck.objects.latest()
    assert not check.ok and check.first_broken_seq == 3
    assert entries[2].seq == 3


def test_verify_ledger_names_a_removed_row():
    _events(4)
    _tamper("DELETE FROM payments_ledgerentry WHERE seq = %s", [2])

    result = ledger.verify()

    assert not result.ok and result.first_broken_seq == 2


def test_verify_ledger_notices_the_last_row_removed():
    _events(3)
    _tamper("DELETE FROM payments_ledgerentry WHERE seq = %s", [3])

    result = ledger.verify()

    assert not result.ok and result.first_broken_seq == 3


@pytest.mark.django_db(transaction=True)
def test_append_refuses_to_run_outside_a_transaction():
    payer = OrganisationFactory()
    with pytest.raises(RuntimeError):
        ledger.append(kind=LedgerEventKind.PAYMENT_RECEIVED, amount=Decimal("1"), obj=payer)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_update_or_delete_ledger_rows():
    _events(1)
    for sql in (
        "UPDATE payments_ledgerentry SET amount = 1",
        "DELETE FROM payments_ledgerentry",
    ):
        with (
            pytest.raises((IntegrityError, InternalError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert LedgerEntry.objects.count() == 1
