"""The financial ledger: every money event is one row, chained by hashes so that no row can be
altered or removed without `verify_ledger` naming it. Rows are only ever appended (see
payments.ledger); the database refuses UPDATE and DELETE on PostgreSQL (trigger in 0003)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LedgerEventKind(models.TextChoices):
    INVOICE_ISSUED = "invoice_issued", _("Invoice issued")
    CREDIT_NOTE_ISSUED = "credit_note_issued", _("Credit note issued")
    ALLOWANCE_STATEMENT_ISSUED = "allowance_statement_issued", _("Allowance statement issued")
    PAYMENT_RECEIVED = "payment_received", _("Payment received")
    PAYMENT_REFUNDED = "payment_refunded", _("Payment refunded")
    PAYOUT_MADE = "payout_made", _("Payout made")


class LedgerEntry(models.Model):
    # Position in the chain (1, 2, ...): appends are serialised by locking LedgerHead.
    seq = models.PositiveBigIntegerField(unique=True)
    kind = models.CharField(max_length=40, choices=LedgerEventKind.choices)
    # Signed euros: what the care organisation owes the partner grows with positive amounts.
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    # Who pays and who is paid, kept as ids and names so the row stands on its own.
    payer = models.ForeignKey(
        "marketplace.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    payee = models.ForeignKey(
        "partners.PartnerProfile", on_delete=models.PROTECT, null=True, related_name="+"
    )
    # The document or money movement behind the event, e.g. ("payments.Invoice", "42").
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    reference = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LedgerEventKind.values), name="payments_ledger_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="payments_ledger_object"),
            models.Index(fields=["payer", "created_at"], name="payments_ledger_payer"),
            models.Index(fields=["payee", "created_at"], name="payments_ledger_payee"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} €{self.amount} {self.reference}"


class LedgerHead(models.Model):
    """A single row that appends lock, so that two writers never chain onto the same hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    entries = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="payments_ledgerhead_single")]

    def __str__(self) -> str:
        return f"ledger head at #{self.entries}"


class LedgerCheck(models.Model):
    """The outcome of each `verify_ledger` run, shown to auditors ("verified, when")."""

    checked_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ok = models.BooleanField()
    entries_checked = models.PositiveBigIntegerField()
    first_broken_seq = models.BigIntegerField(null=True, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-checked_at"]
        get_latest_by = "checked_at"

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'BROKEN'}"
