"""Money documents: invoices (and credit notes) issued on behalf of partners, and volunteer
allowance statements. Both are snapshots: the names, addresses, numbers and amounts are copied at
issue and never change afterwards (payments.services; a trigger on PostgreSQL). Only the payment
fields (amount_paid, payment_status) and the rendered PDF move after issue.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.errors import Conflict
from partners.models import VatCode
from payments.storage import document_storage

# What may still change on an issued invoice or credit note; everything else is a snapshot.
INVOICE_MUTABLE_FIELDS = frozenset({"amount_paid", "payment_status", "pdf", "pdf_rendered_at"})


class ImmutableDocument(Conflict):
    code = "document_immutable"

    def __init__(self, message: str = ""):
        super().__init__(
            message or _("An issued invoice cannot be changed or deleted: issue a credit note.")
        )


class InvoiceQuerySet(models.QuerySet):
    """Bulk writes keep to the payment fields too (the trigger in 0006 refuses the rest)."""

    def update(self, **kwargs):
        if set(kwargs) - INVOICE_MUTABLE_FIELDS:
            raise ImmutableDocument()
        return super().update(**kwargs)

    def delete(self):
        raise ImmutableDocument()

    delete.queryset_only = True


class InvoiceLineQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableDocument()

    def delete(self):
        raise ImmutableDocument()

    delete.queryset_only = True


class PaymentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class NumberCounter(models.Model):
    """The last number used in one series (e.g. a supplier's invoices in 2026). Issuing locks this
    row, so numbers are consecutive with no gap and no duplicate, even when issued concurrently."""

    series = models.CharField(max_length=60, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.series}: {self.last_number}"


class PayableDocument(models.Model):
    """What invoices and allowance statements share: number, payer, payee, payment state."""

    number = models.CharField(_("number"), max_length=40)
    series = models.CharField(max_length=60)
    sequence = models.PositiveIntegerField()
    customer = models.ForeignKey(
        "marketplace.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )
    supplier = models.ForeignKey(
        "partners.PartnerProfile",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supplier"),
    )
    issue_date = models.DateField(_("date"))
    due_date = models.DateField(_("due date"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    total = models.DecimalField(_("total (€)"), max_digits=12, decimal_places=2)
    # Structured reference for bank transfers (matched by staff or a bank import).
    payment_reference = models.CharField(_("payment reference"), max_length=35, unique=True)
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    payment_status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.OPEN
    )
    pdf = models.FileField(upload_to="%Y/%m/", storage=document_storage, blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Invoice(PayableDocument):
    """An invoice issued by Brugwerk on behalf of the partner (self-billing), or a credit note
    (kind credit_note, negative amounts) that corrects one."""

    kind = models.CharField(
        max_length=20, choices=DocumentKind.choices, default=DocumentKind.INVOICE
    )
    credit_note_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    credit_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # Snapshot of the parties at issue.
    supplier_name = models.CharField(max_length=200)
    supplier_address = models.CharField(max_length=300)
    supplier_kvk = models.CharField(max_length=8, blank=True)
    supplier_vat_id = models.CharField(max_length=14, blank=True)
    supplier_iban = models.CharField(max_length=34, blank=True)
    customer_name = models.CharField(max_length=200)
    customer_address = models.CharField(max_length=300)
    customer_kvk = models.CharField(max_length=8, blank=True)
    vat_code = models.CharField(max_length=20, choices=VatCode.choices)
    vat_rate = models.DecimalField(max_digits=4, decimal_places=2)
    vat_note = models.CharField(max_length=300, blank=True)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    vat_amount = models.DecimalField(max_digits=12, decimal_places=2)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-sequence"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["series", "sequence"], name="payments_invoice_number"),
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") + models.F("vat_amount")),
                name="payments_invoice_total_adds_up",
            ),
            models.CheckConstraint(
                condition=(Q(kind="invoice") & Q(credit_note_of__isnull=True) & Q(total__gte=0))
                | (Q(kind="credit_note") & Q(credit_note_of__isnull=False) & Q(total__lte=0)),
                name="payments_invoice_kind_sign",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start"))
                & Q(due_date__gte=models.F("issue_date")),
                name="payments_invoice_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "issue_date"], name="payments_invoice_customer"),
            models.Index(fields=["supplier", "issue_date"], name="payments_invoice_supplier"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        """Every stored invoice is issued: only the payment fields and the PDF may change."""
        if not self._state.adding and self.pk is not None:
            frozen = [
                f.attname
                for f in self._meta.concrete_fields
                if f.name not in INVOICE_MUTABLE_FIELDS and not f.primary_key
            ]
            stored = type(self).objects.filter(pk=self.pk).values(*frozen).first()
            if stored is None or any(stored[name] != getattr(self, name) for name in frozen):
                raise ImmutableDocument()
            wanted = kwargs.get("update_fields")
            kwargs["update_fields"] = (
                INVOICE_MUTABLE_FIELDS if wanted is None else set(wanted) & INVOICE_MUTABLE_FIELDS
            )
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocument()

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    engagement = models.ForeignKey(
        "marketplace.Engagement", on_delete=models.PROTECT, related_name="invoice_lines"
    )
    description = models.CharField(max_length=300)
    service_date = models.DateField(null=True, blank=True)
    quantity = models.DecimalField(_("hours"), max_digits=8, decimal_places=2)
    unit_price = models.DecimalField(_("rate (€)"), max_digits=8, decimal_places=2)
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)

    objects = InvoiceLineQuerySet.as_manager()

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="payments_line_position"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice}/{self.position}: {self.description}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableDocument()
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocument()


class AllowanceStatement(PayableDocument):
    """A monthly statement of volunteer allowance for one volunteer from one care organisation."""

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=8, decimal_places=2)
    volunteer_name = models.CharField(max_length=200)
    volunteer_address = models.CharField(max_length=300, blank=True)
    organisation_name = models.CharField(max_length=200)
    organisation_address = models.CharField(max_length=300)
    # Running totals at issue, across every organisation on the platform, as printed.
    year_total_after = models.DecimalField(max_digits=12, decimal_places=2)
    month_total_after = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["-year", "-month", "-sequence"]
        verbose_name = _("allowance statement")
        verbose_name_plural = _("allowance statements")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "sequence"], name="payments_statement_number"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(month__gte=1) & Q(month__lte=12),
                name="payments_statement_sane",
            ),
        ]
        # Usually one per volunteer, organisation and month; hours approved late get another.
        indexes = [
            models.Index(
                fields=["supplier", "customer", "year", "month"], name="payments_statement_month"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class BilledTimeEntry(models.Model):
    """Which document paid for an approved time entry. An entry is billed at most once at a time:
    a credit note releases its invoice's entries (released_at) so they can be billed again."""

    time_entry = models.ForeignKey(
        "marketplace.TimeEntry", on_delete=models.PROTECT, related_name="billings"
    )
    # The time entry's engagement (which never changes), copied so the audit can sum documents
    # per engagement without reading a million time entries. Set through `BilledTimeEntry.of`.
    engagement = models.ForeignKey(
        "marketplace.Engagement", on_delete=models.PROTECT, related_name="+"
    )
    invoice_line = models.ForeignKey(
        InvoiceLine, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    statement = models.ForeignKey(
        AllowanceStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        "payments.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            # The audit: a period's statements, summed per engagement, from the index alone.
            models.Index(
                fields=["statement", "engagement"],
                include=["amount"],
                condition=Q(statement__isnull=False),
                name="payments_billed_statement_sums",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["time_entry"],
                condition=Q(released_at__isnull=True),
                name="payments_billed_once_active",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, released_by__isnull=True)
                | Q(released_at__isnull=False, released_by__isnull=False),
                name="payments_billed_release_complete",
            ),
            models.CheckConstraint(
                condition=Q(invoice_line__isnull=False, statement__isnull=True)
                | Q(invoice_line__isnull=True, statement__isnull=False),
                name="payments_billed_one_document",
            ),
        ]

    def __str__(self) -> str:
        return f"entry {self.time_entry_id} → {self.invoice_line_id or self.statement_id}"

    @classmethod
    def of(cls, entry, **fields) -> "BilledTimeEntry":
        """The billing of `entry` (a TimeEntry) on a document given in `fields`."""
        return cls(time_entry=entry, engagement_id=entry.engagement_id, **fields)


class DocumentSpend(models.Model):
    """What one issued document spends on one engagement (excluding VAT; a credit note's is
    negative), filed under the engagement's municipality. Written with the document, which never
    changes afterwards (`payments.spend.record_spend`), so the municipal audit sums these rows
    instead of every invoice line and billed hour; its tests reconcile both ways."""

    engagement = models.ForeignKey(
        "marketplace.Engagement", on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "geo.Municipality", on_delete=models.PROTECT, null=True, related_name="+"
    )
    period_start = models.DateField()  # the document's
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="spend"
    )
    statement = models.ForeignKey(
        AllowanceStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="spend"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        indexes = [
            models.Index(
                fields=["municipality", "period_start"],
                include=["engagement", "invoice", "statement", "amount"],
                name="payments_spend_by_place",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, statement__isnull=True)
                | Q(invoice__isnull=True, statement__isnull=False),
                name="payments_spend_one_document",
            ),
            models.UniqueConstraint(
                fields=["invoice", "engagement"], name="payments_spend_once_per_invoice"
            ),
            models.UniqueConstraint(
                fields=["statement", "engagement"], name="payments_spend_once_per_statement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id or self.statement_id} → engagement {self.engagement_id}"
