"""Money moves: what care organisations pay (Payment, its allocations over documents, Refund),
what partners receive (Payout, to a Stripe Connect account or in a SEPA credit-transfer batch),
and the Stripe events already applied (StripeEvent, each event id once).

Only payments.services.payments changes a document's amount_paid/payment_status, and only
payments.services.payouts moves a payout between states (conditional updates).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from marketplace.validators import validate_iban


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    SEPA_DEBIT = "sepa_debit", _("SEPA Direct Debit")
    IDEAL = "ideal", _("iDEAL")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")


class PaymentState(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    REQUIRES_ACTION = "requires_action", _("Waiting for confirmation by the payer")
    PROCESSING = "processing", _("Processing")
    SUCCEEDED = "succeeded", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Cancelled")


FINAL_PAYMENT_STATES = (PaymentState.SUCCEEDED, PaymentState.FAILED, PaymentState.CANCELED)


class PaymentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PaymentQuerySet":
        """Staff see all; members of a care organisation see that organisation's payments."""
        if not (user and user.is_authenticated):
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(
            customer__memberships__user=user, customer__memberships__is_active=True
        ).distinct()


class Payment(models.Model):
    """Money a care organisation pays (or tries to pay) for one or more documents."""

    customer = models.ForeignKey(
        "marketplace.Organisation",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("care organisation"),
    )
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=PaymentState.choices, default=PaymentState.PENDING
    )
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    amount_refunded = models.DecimalField(
        _("refunded (€)"), max_digits=12, decimal_places=2, default=0
    )
    currency = models.CharField(max_length=3, default="EUR")
    stripe_payment_intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_checkout_session_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True
    )
    # For bank transfers: the payment reference and the bank's own reference, as matched.
    reference = models.CharField(_("reference"), max_length=140, blank=True)
    failure_message = models.CharField(_("why it failed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payment_positive"),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0) & Q(amount_refunded__lte=F("amount")),
                name="payments_payment_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(state__in=PaymentState.values), name="payments_payment_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(method__in=PaymentMethod.values), name="payments_payment_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"payment #{self.pk} €{self.amount} ({self.state})"

    @property
    def refundable(self):
        return self.amount - self.amount_refunded if self.state == PaymentState.SUCCEEDED else 0


class PaymentAllocation(models.Model):
    """The part of a payment meant for one invoice or allowance statement."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(
        "payments.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    statement = models.ForeignKey(
        "payments.AllowanceStatement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    # Refunds take back from allocations, most recent document first.
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["payment", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, statement__isnull=True)
                | Q(invoice__isnull=True, statement__isnull=False),
                name="payments_allocation_one_document",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                & Q(amount_refunded__gte=0)
                & Q(amount_refunded__lte=F("amount")),
                name="payments_allocation_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.document}: €{self.amount}"

    @property
    def document(self):
        return self.invoice or self.statement


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    stripe_refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive"),
        ]

    def __str__(self) -> str:
        return f"refund #{self.pk} €{self.amount} of payment #{self.payment_id}"


class PayoutMethod(models.TextChoices):
    CONNECT = "connect", _("Stripe account")
    SEPA = "sepa", _("Bank transfer (SEPA)")


class PartnerPayoutAccount(models.Model):
    """Where a partner's money goes: a Stripe Connect account, or an IBAN for SEPA batches.

    The address is structured (street, number, postcode, town, country), as pain.001.001.09 and
    the SEPA rulebook from November 2025 want it.
    """

    partner = models.OneToOneField(
        "partners.PartnerProfile", on_delete=models.PROTECT, related_name="payout_account"
    )
    method = models.CharField(
        _("paid by"), max_length=20, choices=PayoutMethod.choices, default=PayoutMethod.SEPA
    )
    stripe_account_id = models.CharField(max_length=255, blank=True)
    connect_ready = models.BooleanField(_("Stripe account ready"), default=False)
    holder = models.CharField(_("account holder"), max_length=70, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    street_name = models.CharField(_("street"), max_length=70, blank=True)
    building_number = models.CharField(_("house number"), max_length=16, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    town = models.CharField(_("town"), max_length=35, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NL")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partner payout account")
        verbose_name_plural = _("partner payout accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=PayoutMethod.values), name="payments_payoutaccount_method"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_method_display()}"


class PayoutState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


class PayoutQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PayoutQuerySet":
        """Staff see all; a partner sees its own payouts (a key person theirs, an MZO's admin the
        MZO's and its dispatched key persons')."""
        from partners.models import PartnerProfile

        if not (user and user.is_authenticated):
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(partner__in=PartnerProfile.objects.managed_by(user))

    def due(self, now) -> "PayoutQuerySet":
        return self.filter(state=PayoutState.PENDING, method=PayoutMethod.CONNECT).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )


class Payout(models.Model):
    """The partner's share of one fully paid document. No fee is taken: amount = document total."""

    partner = models.ForeignKey(
        "partners.PartnerProfile",
        on_delete=models.PROTECT,
        related_name="payouts",
        verbose_name=_("partner"),
    )
    invoice = models.OneToOneField(
        "payments.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="payout"
    )
    statement = models.OneToOneField(
        "payments.AllowanceStatement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payout",
    )
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    method = models.CharField(_("paid by"), max_length=20, choices=PayoutMethod.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=PayoutState.choices, default=PayoutState.PENDING
    )
    # Sent with every Stripe call for this payout: a retried call never moves money twice.
    idempotency_key = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set by the conditional update that claims the payout for one sender at a time.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    stripe_transfer_id = models.CharField(max_length=255, blank=True)
    stripe_payout_id = models.CharField(max_length=255, blank=True)
    sepa_batch = models.ForeignKey(
        "payments.SepaBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payouts",
    )
    # When the partner's work was approved (the last approved hours on the document).
    approved_at = models.DateTimeField(_("approved at"))
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    days_to_payout = models.PositiveIntegerField(_("days from approval to payout"), null=True)

    objects = PayoutQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, statement__isnull=True)
                | Q(invoice__isnull=True, statement__isnull=False),
                name="payments_payout_one_document",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payout_positive"),
            models.CheckConstraint(
                condition=Q(state__in=PayoutState.values), name="payments_payout_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=PayoutState.PAID)
                | Q(paid_at__isnull=False, days_to_payout__isnull=False),
                name="payments_payout_paid_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="payments_payout_due"),
        ]

    def __str__(self) -> str:
        return f"payout #{self.pk} €{self.amount} to {self.partner} ({self.state})"

    @property
    def document(self):
        return self.invoice or self.statement


class SepaBatchState(models.TextChoices):
    EXPORTED = "exported", _("File made, waiting for the bank")
    EXECUTED = "executed", _("Executed by the bank")


class SepaBatch(models.Model):
    """One pain.001.001.09 credit-transfer file: the payouts it holds, as the bank receives it."""

    message_id = models.CharField(max_length=35, unique=True)
    debtor_name = models.CharField(max_length=70)
    debtor_iban = models.CharField(max_length=34)
    debtor_bic = models.CharField(max_length=11, blank=True)
    execution_date = models.DateField(_("execution date"))
    number_of_transactions = models.PositiveIntegerField()
    control_sum = models.DecimalField(max_digits=14, decimal_places=2)
    xml = models.TextField()
    state = models.CharField(
        max_length=20, choices=SepaBatchState.choices, default=SepaBatchState.EXPORTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    executed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SEPA batch")
        verbose_name_plural = _("SEPA batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(control_sum__gt=0) & Q(number_of_transactions__gt=0),
                name="payments_sepabatch_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.message_id


class StripeEvent(models.Model):
    """A Stripe webhook event that was applied. The unique id makes a replay do nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"
