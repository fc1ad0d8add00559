"""Document numbers and payment references.

Numbers are consecutive per series with no gap and no duplicate, also when documents are issued
concurrently: `next_number` locks the series' counter row until the issuing transaction ends, so
a rolled-back issue gives its number back. The unique (series, sequence) constraint on each
document table is the backstop.
"""

from django.db import transaction

from payments.models import NumberCounter

# Weights of the Dutch 16-digit payment reference (betalingskenmerk), applied from the right.
_REFERENCE_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)


def next_number(series: str) -> int:
    """The next number in `series`. Must run inside the transaction that stores the document."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the issuing transaction")
    # Insert the counter if this series is new; a concurrent insert of the same series is fine.
    NumberCounter.objects.bulk_create([NumberCounter(series=series)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(series=series)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def formatted(year: int, sequence: int) -> str:
    """How a number is printed: `2026-0001` (wider when a series passes 9,999)."""
    return f"{year}-{sequence:04d}"


def payment_reference(kind: int, document_id: int) -> str:
    """A 16-digit betalingskenmerk: a check digit, then a kind digit and the document id.

    Banks validate the check digit (modulo 11 over the other 15 digits, weights from the right),
    so a payer's typing error is caught before the money is sent.
    """
    if not 1 <= kind <= 9 or document_id < 0 or document_id >= 10**14:
        raise ValueError("payment_reference: kind 1-9 and an id below 10^14")
    body = f"{kind}{document_id:014d}"
    total = sum(
        int(digit) * _REFERENCE_WEIGHTS[i % len(_REFERENCE_WEIGHTS)]
        for i, digit in enumerate(reversed(body))
    )
    check = 11 - total % 11
    check = {10: 1, 11: 0}.get(check, check)
    return f"{check}{body}"


def is_valid_payment_reference(reference: str) -> bool:
    digits = "".join(reference.split())
    if len(digits) != 16 or not digits.isdigit():
        return False
    return payment_reference(int(digits[1]), int(digits[2:])) == digits
