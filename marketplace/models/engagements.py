"""From a support request to agreed work: stored proposals (who the engine proposed, why),
invitations (who was asked), and engagements (the agreed terms, the basis for hours and pay)."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Proposal(models.Model):
    """One partner proposed by one matching run, kept so audits can compare proposed and chosen."""

    request = models.ForeignKey(
        "requests.SupportRequest", on_delete=models.PROTECT, related_name="proposals"
    )
    partner = models.ForeignKey(
        "partners.PartnerProfile", on_delete=models.PROTECT, related_name="proposals"
    )
    run = models.UUIDField(
        default=uuid.uuid4, db_index=True, help_text=_("Proposals made together share a run.")
    )
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    components = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    explanation = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "rank"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "partner"], name="marketplace_proposal_once_per_run"
            ),
            models.UniqueConstraint(
                fields=["run", "rank"], name="marketplace_proposal_rank_per_run"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.partner} for {self.request}"


class InvitationStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Invitation(models.Model):
    """A care organisation asks a partner to take on a request. `proposal` is empty when the
    coordinator invited someone the engine did not propose (found in the directory)."""

    request = models.ForeignKey(
        "requests.SupportRequest", on_delete=models.PROTECT, related_name="invitations"
    )
    partner = models.ForeignKey(
        "partners.PartnerProfile", on_delete=models.PROTECT, related_name="invitations"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    status = models.CharField(
        max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.SENT
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    respond_before = models.DateTimeField(_("respond before"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason"), blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation to a request")
        verbose_name_plural = _("invitations to requests")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "partner"],
                condition=Q(status="sent"),
                name="marketplace_invitation_one_open_per_partner",
            ),
            models.CheckConstraint(
                condition=Q(status__in=InvitationStatus.values),
                name="marketplace_invitation_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "respond_before"], name="marketplace_invitation_due")
        ]

    def __str__(self) -> str:
        return f"{self.partner} ← {self.request} ({self.get_status_display()})"

    @property
    def was_proposed(self) -> bool:
        return self.proposal_id is not None


class EngagementStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class EngagementQuerySet(models.QuerySet):
    def live(self) -> "EngagementQuerySet":
        """Engagements that count: active or completed, not cancelled."""
        return self.exclude(status=EngagementStatus.CANCELLED)


class Engagement(models.Model):
    """Agreed work between a care organisation and a partner: the terms hours and pay follow."""

    organisation = models.ForeignKey(
        "marketplace.Organisation", on_delete=models.PROTECT, related_name="engagements"
    )
    partner = models.ForeignKey(
        "partners.PartnerProfile", on_delete=models.PROTECT, related_name="engagements"
    )
    request = models.ForeignKey(
        "requests.SupportRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
    )
    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="engagement"
    )
    offer = models.ForeignKey(
        "partners.Offer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
    )
    activity = models.ForeignKey(
        "partners.Expertise",
        on_delete=models.PROTECT,
        related_name="engagements",
        verbose_name=_("activity"),
    )
    description = models.TextField(_("agreed work"), blank=True, max_length=3000)
    hourly_rate = models.DecimalField(
        _("hourly rate (€)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    max_hours = models.DecimalField(
        _("maximum hours"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    # The municipal reference rate for this kind of work when the terms were agreed (RateCard);
    # kept so "below parity" stays what it was at agreement, for both sides and the audit.
    reference_rate = models.DecimalField(
        _("reference rate (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    # An allowance above the legal hourly figure is "not market-conform" unless a reason is given.
    rate_above_cap_reason = models.CharField(
        _("reason for a rate above the allowance guideline"), max_length=300, blank=True
    )
    # Where the work happens, fixed when it is agreed: the request's neighbourhood's municipality,
    # or for a booked offer the care organisation's. The municipal audit selects on it.
    municipality = models.ForeignKey(
        "geo.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
        editable=False,
    )
    period_start = models.DateField(_("start"))
    period_end = models.DateField(_("end"))
    compensation_mode = models.CharField(_("compensation"), max_length=20)
    status = models.CharField(
        max_length=20, choices=EngagementStatus.choices, default=EngagementStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The care organisation's structured feedback at completion (feeds the track record).
    feedback_rating = models.PositiveSmallIntegerField(
        _("rating (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    feedback_on_time = models.BooleanField(_("hours delivered on time"), null=True, blank=True)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            # One live engagement fills one request: two partners accepting at once cannot both
            # win. A cancelled one no longer counts, so the request can be filled again.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(request__isnull=False) & ~Q(status="cancelled"),
                name="marketplace_engagement_one_per_request",
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate__gte=0), name="marketplace_engagement_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(max_hours__gt=0), name="marketplace_engagement_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="marketplace_engagement_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(request__isnull=False) | Q(offer__isnull=False),
                name="marketplace_engagement_from_request_or_offer",
            ),
            models.CheckConstraint(
                condition=Q(feedback_rating__isnull=True)
                | Q(feedback_rating__gte=1, feedback_rating__lte=5),
                name="marketplace_engagement_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EngagementStatus.values),
                name="marketplace_engagement_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "created_at"], name="marketplace_engagement_recent"),
            models.Index(
                fields=["municipality", "period_start"], name="marketplace_engagement_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} for {self.organisation} ({self.activity})"

    def save(self, *args, **kwargs):
        if self._state.adding and self.municipality_id is None:
            self.municipality_id = self.place_municipality_id()
        super().save(*args, **kwargs)

    def place_municipality_id(self) -> int | None:
        if self.request_id:
            return self.request.neighbourhood.municipality_id
        return self.organisation.municipality_id

    @property
    def below_parity(self) -> bool:
        return self.reference_rate is not None and self.hourly_rate < self.reference_rate
