from payments.models.documents import (
    AllowanceStatement,
    BilledTimeEntry,
    DocumentKind,
    ImmutableDocument,
    Invoice,
    InvoiceLine,
    NumberCounter,
    PaymentStatus,
)
from payments.models.ledger import LedgerCheck, LedgerEntry, LedgerEventKind, LedgerHead
from payments.models.rates import AllowanceCap, RateCard

__all__ = [
    "AllowanceCap",
    "AllowanceStatement",
    "BilledTimeEntry",
    "DocumentKind",
    "ImmutableDocument",
    "Invoice",
    "InvoiceLine",
    "LedgerCheck",
    "LedgerEntry",
    "LedgerEventKind",
    "LedgerHead",
    "NumberCounter",
    "PaymentStatus",
    "RateCard",
]
