"""Reference figures kept as data per year, editable by platform staff in the admin."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RateCard(models.Model):
    """A municipality's reference hourly rate of a formal professional for one kind of work.

    An engagement agreed below it is allowed but flagged "below parity" (equal footing)."""

    municipality = models.ForeignKey(
        "geo.Municipality", on_delete=models.PROTECT, related_name="rate_cards"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    expertise = models.ForeignKey(
        "partners.Expertise",
        on_delete=models.PROTECT,
        related_name="rate_cards",
        verbose_name=_("kind of work"),
    )
    hourly_rate = models.DecimalField(
        _("reference hourly rate (€)"), max_digits=8, decimal_places=2
    )

    class Meta:
        ordering = ["municipality__name", "-year", "expertise__code"]
        verbose_name = _("rate card entry")
        verbose_name_plural = _("rate card")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "expertise"], name="payments_ratecard_unique"
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate__gt=0), name="payments_ratecard_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year} {self.expertise}: €{self.hourly_rate}"


class AllowanceCap(models.Model):
    """The legal caps of the volunteer allowance (vrijwilligersvergoeding) for one year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    per_hour = models.DecimalField(_("per hour, 21 and over (€)"), max_digits=6, decimal_places=2)
    per_hour_under_21 = models.DecimalField(
        _("per hour, under 21 (€)"), max_digits=6, decimal_places=2
    )
    per_month = models.DecimalField(_("per month (€)"), max_digits=8, decimal_places=2)
    per_year = models.DecimalField(_("per year (€)"), max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("volunteer allowance cap")
        verbose_name_plural = _("volunteer allowance caps")
        constraints = [
            models.CheckConstraint(
                condition=Q(per_hour__gt=0)
                & Q(per_hour_under_21__gt=0)
                & Q(per_month__gt=0)
                & Q(per_year__gte=models.F("per_month")),
                name="payments_allowancecap_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: €{self.per_hour}/h, €{self.per_month}/month, €{self.per_year}/year"

    def hourly_cap(self, *, under_21: bool):
        return self.per_hour_under_21 if under_21 else self.per_hour
