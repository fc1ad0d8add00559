"""Hours a partner spent on an engagement: logged by the partner, decided by the care coordinator.

An approved entry is locked: it is what invoices and allowance statements are made of.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimeEntryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Hours are logged in quarters of an hour: exact in decimals, so hours × rate needs one rounding.
HOURS_STEP = Decimal("0.25")
MAX_HOURS_PER_DAY = Decimal("24")


class TimeEntryQuerySet(models.QuerySet):
    def approved(self) -> "TimeEntryQuerySet":
        return self.filter(status=TimeEntryStatus.APPROVED)

    def counting(self) -> "TimeEntryQuerySet":
        """Entries that use up hours: waiting for approval or approved."""
        return self.filter(status__in=[TimeEntryStatus.SUBMITTED, TimeEntryStatus.APPROVED])


class TimeEntry(models.Model):
    engagement = models.ForeignKey(
        "marketplace.Engagement", on_delete=models.PROTECT, related_name="time_entries"
    )
    work_date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    activity = models.ForeignKey(
        "partners.Expertise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("activity"),
    )
    note = models.TextField(_("note"), blank=True, max_length=500)
    status = models.CharField(
        max_length=20, choices=TimeEntryStatus.choices, default=TimeEntryStatus.SUBMITTED
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(_("reason"), blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-work_date", "-created_at"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24),
                name="marketplace_timeentry_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=TimeEntryStatus.values),
                name="marketplace_timeentry_status_valid",
            ),
            # A decision names who made it; the person who logged the time never decides on it.
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "withdrawn"])
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="marketplace_timeentry_decision_recorded",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("logged_by")),
                name="marketplace_timeentry_no_self_approval",
            ),
        ]
        indexes = [
            # Covers the audit's hours per engagement without reading the table.
            models.Index(
                fields=["engagement", "status", "work_date"],
                include=["hours"],
                name="marketplace_te_eng",
            ),
            models.Index(fields=["status", "work_date"], name="marketplace_te_status_date"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.work_date} ({self.get_status_display()})"
