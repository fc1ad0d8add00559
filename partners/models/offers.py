"""Offers: services a partner publishes on their own initiative, bookable by care organisations,
so the informal side is not only called when a care organisation needs it."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.models import VerificationStatus
from partners.models.profiles import PartnerProfile
from partners.models.taxonomy import Community, Expertise, Language


class PricingUnit(models.TextChoices):
    FIXED = "fixed", _("fixed price")
    HOURLY = "hourly", _("per hour")


class OfferQuerySet(models.QuerySet):
    def listed(self) -> "OfferQuerySet":
        return self.filter(
            is_published=True,
            partner__is_published=True,
            partner__verification_status=VerificationStatus.VERIFIED,
        )

    def visible_to(self, user) -> "OfferQuerySet":
        return self.filter(
            Q(pk__in=self.listed().values("pk"))
            | Q(partner__in=PartnerProfile.objects.managed_by(user))
        )


class Offer(models.Model):
    partner = models.ForeignKey(
        PartnerProfile, on_delete=models.CASCADE, related_name="offers", verbose_name=_("partner")
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=3000)
    expertise = models.ForeignKey(
        Expertise, on_delete=models.PROTECT, related_name="offers", verbose_name=_("kind of work")
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="offers", verbose_name=_("languages")
    )
    communities = models.ManyToManyField(
        Community, blank=True, related_name="offers", verbose_name=_("communities")
    )
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    pricing = models.CharField(
        _("pricing"), max_length=10, choices=PricingUnit.choices, default=PricingUnit.FIXED
    )
    price = models.DecimalField(
        _("price (€)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    in_person = models.BooleanField(_("in person"), default=True)
    online = models.BooleanField(_("online"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0), name="partners_offer_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(duration_hours__gt=0), name="partners_offer_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(in_person=True) | Q(online=True),
                name="partners_offer_in_person_or_online",
            ),
        ]

    def __str__(self) -> str:
        return self.title
