from payments.models.ledger import LedgerCheck, LedgerEntry, LedgerEventKind, LedgerHead
from payments.models.rates import AllowanceCap, RateCard

__all__ = [
    "AllowanceCap",
    "LedgerCheck",
    "LedgerEntry",
    "LedgerEventKind",
    "LedgerHead",
    "RateCard",
]
