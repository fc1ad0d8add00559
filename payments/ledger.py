"""Append to and verify the hash-chained financial ledger.

Each row's hash covers its own fields and the previous row's hash, so altering, removing or
reordering a row breaks every hash after it. `append` is the only writer; call it inside the
transaction that makes the money event happen, so the event and its ledger row commit together.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from marketplace.money import quantize_money
from payments.models import LedgerCheck, LedgerEntry, LedgerHead

GENESIS = "0" * 64


def _digest(
    *,
    prev_hash: str,
    seq: int,
    kind: str,
    amount: Decimal,
    currency: str,
    payer_id,
    payee_id,
    object_type: str,
    object_id: str,
    reference: str,
    data: dict,
    created_at,
) -> str:
    body = json.dumps(
        {
            "seq": seq,
            "kind": kind,
            "amount": str(quantize_money(amount)),
            "currency": currency,
            "payer": payer_id,
            "payee": payee_id,
            "object": f"{object_type}#{object_id}",
            "reference": reference,
            "data": data,
            "created_at": created_at.isoformat(),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def entry_digest(entry: LedgerEntry, *, prev_hash: str) -> str:
    return _digest(
        prev_hash=prev_hash,
        seq=entry.seq,
        kind=entry.kind,
        amount=entry.amount,
        currency=entry.currency,
        payer_id=entry.payer_id,
        payee_id=entry.payee_id,
        object_type=entry.object_type,
        object_id=entry.object_id,
        reference=entry.reference,
        data=entry.data,
        created_at=entry.created_at,
    )


def append(
    *,
    kind: str,
    amount: Decimal,
    obj,
    payer=None,
    payee=None,
    reference: str = "",
    data: dict | None = None,
) -> LedgerEntry:
    """Add one money event to the chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.append must run inside the transaction of the money event")
    head, _ = LedgerHead.objects.get_or_create(id=1)
    head = LedgerHead.objects.select_for_update().get(id=1)
    entry = LedgerEntry(
        seq=head.entries + 1,
        kind=kind,
        amount=quantize_money(amount),
        currency="EUR",
        payer=payer,
        payee=payee,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        reference=reference,
        # JSON round trip so the hash covers exactly what the database stores.
        data=json.loads(json.dumps(data or {}, default=str)),
        created_at=timezone.now(),
        prev_hash=head.last_hash,
    )
    entry.hash = entry_digest(entry, prev_hash=head.last_hash)
    entry.save(force_insert=True)
    LedgerHead.objects.filter(id=1).update(last_hash=entry.hash, entries=entry.seq)
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries_checked: int
    first_broken_seq: int | None = None
    detail: str = ""


def verify(*, batch_size: int = 5000) -> Verification:
    """Recompute the chain from the start; name the first row whose hash or link is wrong."""
    # Read the head first: rows appended while we check belong to the next check.
    head = LedgerHead.objects.filter(id=1).first() or LedgerHead(entries=0, last_hash=GENESIS)
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    rows = (
        LedgerEntry.objects.filter(seq__lte=head.entries)
        .order_by("seq")
        .iterator(chunk_size=batch_size)
    )
    for entry in rows:
        checked += 1
        if entry.seq != expected_seq:
            return Verification(False, checked, expected_seq, f"row #{expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return Verification(
                False, checked, entry.seq, f"row #{entry.seq} does not link to the row before it"
            )
        if entry_digest(entry, prev_hash=prev_hash) != entry.hash:
            return Verification(False, checked, entry.seq, f"row #{entry.seq} was altered")
        prev_hash = entry.hash
        expected_seq += 1
    if head.entries != checked or head.last_hash != prev_hash:
        return Verification(
            False,
            checked,
            checked + 1,
            f"rows after #{checked} are missing (head says {head.entries})",
        )
    return Verification(True, checked)


def verify_and_record() -> LedgerCheck:
    result = verify()
    return LedgerCheck.objects.create(
        ok=result.ok,
        entries_checked=result.entries_checked,
        first_broken_seq=result.first_broken_seq,
        detail=result.detail,
    )
