"""Partner profiles: a migrant organisation (MZO) or a key person, independent or dispatched by an
MZO. What the public directory may show is decided in partners.api.serializers and the templates;
personal data (date of birth, IBAN, contact details, an individual's rate) never goes public."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.models import Membership, Role, VerificationStatus
from marketplace.validators import validate_iban, validate_kvk, validate_postcode, validate_vat_id
from partners.models.taxonomy import Community, Expertise, Language, Proficiency


class PartnerKind(models.TextChoices):
    MZO = "mzo", _("Migrant organisation")
    KEY_PERSON = "key_person", _("Key person")


class CompensationMode(models.TextChoices):
    ALLOWANCE = "allowance", _("Volunteer allowance")
    INVOICE_PERSON = "invoice_person", _("Invoice as freelancer (zzp)")
    INVOICE_ORG = "invoice_org", _("Invoice by the organisation")
    REIMBURSEMENT = "reimbursement", _("Reimbursement of actual costs")


class VatCode(models.TextChoices):
    STANDARD_21 = "standard_21", _("VAT 21%")
    EXEMPT = "exempt", _("Exempt from VAT")
    KOR = "kor", _("Small business scheme (KOR)")


INVOICING_MODES = {CompensationMode.INVOICE_PERSON, CompensationMode.INVOICE_ORG}
WEEKDAYS = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


class PartnerProfileQuerySet(models.QuerySet):
    def listed(self) -> "PartnerProfileQuerySet":
        """What the public directory shows: published and verified by platform staff."""
        return self.filter(is_published=True, verification_status=VerificationStatus.VERIFIED)

    def managed_by(self, user) -> "PartnerProfileQuerySet":
        """Profiles this user may edit: their own, and those of MZOs they administer."""
        if not (user and user.is_authenticated):
            return self.none()
        if user.is_staff:
            return self.all()
        admin_of = Membership.objects.filter(user=user, is_active=True, role=Role.ADMIN).values(
            "organisation"
        )
        return self.filter(Q(user=user) | Q(organisation__in=admin_of))

    def visible_to(self, user) -> "PartnerProfileQuerySet":
        """The directory for everyone, plus the profiles you manage (published or not)."""
        if user and user.is_authenticated and user.is_staff:
            return self.all()
        return self.filter(
            Q(pk__in=self.listed().values("pk")) | Q(pk__in=self.managed_by(user).values("pk"))
        )

    def with_directory_data(self) -> "PartnerProfileQuerySet":
        return self.select_related(
            "organisation", "base_neighbourhood__municipality"
        ).prefetch_related(
            "expertise", "communities", "languages__language", "neighbourhoods__municipality"
        )


class PartnerProfile(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    organisation = models.ForeignKey(
        "marketplace.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_profiles",
        verbose_name=_("migrant organisation"),
        help_text=_(
            "For an MZO: the organisation itself. For a key person: the MZO that "
            "dispatches them; empty when they work independently."
        ),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_profiles",
        verbose_name=_("account of the key person"),
    )
    display_name = models.CharField(_("name shown"), max_length=150)
    bio = models.TextField(_("short bio"), max_length=2000, blank=True)
    expertise = models.ManyToManyField(
        Expertise, blank=True, related_name="profiles", verbose_name=_("kinds of work")
    )
    communities = models.ManyToManyField(
        Community, blank=True, related_name="profiles", verbose_name=_("communities")
    )
    neighbourhoods = models.ManyToManyField(
        "geo.Neighbourhood",
        blank=True,
        related_name="partner_profiles",
        verbose_name=_("neighbourhoods served"),
    )
    base_neighbourhood = models.ForeignKey(
        "geo.Neighbourhood",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home base"),
        help_text=_("Where the travel radius is measured from."),
    )
    travel_radius_km = models.PositiveSmallIntegerField(
        _("travel radius (km)"), default=5, validators=[MaxValueValidator(200)]
    )
    in_person = models.BooleanField(_("works in person"), default=True)
    online = models.BooleanField(_("works online"), default=False)
    hours_per_month = models.PositiveSmallIntegerField(
        _("hours available per month"), default=8, validators=[MaxValueValidator(200)]
    )
    weekdays = models.JSONField(_("weekdays available"), default=list, blank=True)
    compensation_mode = models.CharField(
        _("compensation"),
        max_length=20,
        choices=CompensationMode.choices,
        default=CompensationMode.ALLOWANCE,
    )
    hourly_rate = models.DecimalField(
        _("hourly rate (€)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    # Personal and payment data: never public.
    date_of_birth = models.DateField(
        _("date of birth"),
        null=True,
        blank=True,
        help_text=_(
            "Only used for the volunteer-allowance caps (lower under 21). Never shown to others."
        ),
    )
    kvk_number = models.CharField(
        _("KvK number"), max_length=8, blank=True, validators=[validate_kvk]
    )
    vat_code = models.CharField(_("VAT"), max_length=20, choices=VatCode.choices, blank=True)
    vat_id = models.CharField(_("VAT id"), max_length=14, blank=True, validators=[validate_vat_id])
    vat_exemption_reason = models.CharField(_("VAT exemption reason"), max_length=200, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    account_holder = models.CharField(_("account holder"), max_length=150, blank=True)
    street = models.CharField(_("street and house number"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[validate_postcode]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)

    is_published = models.BooleanField(_("published"), default=False)
    verification_status = models.CharField(
        _("verification"),
        max_length=20,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnerProfileQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "pk"]
        verbose_name = _("partner profile")
        verbose_name_plural = _("partner profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(in_person=True) | Q(online=True),
                name="partners_profile_in_person_or_online",
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate__gte=0), name="partners_profile_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind=PartnerKind.MZO)
                | Q(organisation__isnull=False, user__isnull=True),
                name="partners_profile_mzo_is_an_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PartnerKind.KEY_PERSON) | Q(user__isnull=False),
                name="partners_profile_key_person_has_account",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(kind=PartnerKind.MZO),
                name="partners_profile_one_per_mzo",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(kind=PartnerKind.KEY_PERSON),
                name="partners_profile_one_per_key_person",
            ),
        ]
        indexes = [
            models.Index(
                fields=["is_published", "verification_status"], name="partners_profile_listed"
            ),
            # Matching looks for partners based near a request who travel far enough.
            models.Index(
                fields=["base_neighbourhood", "travel_radius_km"],
                name="partners_profile_base_radius",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_listed(self) -> bool:
        return self.is_published and self.verification_status == VerificationStatus.VERIFIED

    def contact(self) -> tuple[str, str]:
        """(e-mail address, language) to write to about money: the key person themselves, else
        their organisation ("" when neither has an address)."""
        if self.user_id and self.user.email:
            return self.user.email, self.user.preferred_language or "nl"
        return (self.organisation.email if self.organisation_id else ""), "nl"

    @property
    def is_individual(self) -> bool:
        return self.kind == PartnerKind.KEY_PERSON

    @property
    def is_independent(self) -> bool:
        return self.kind == PartnerKind.KEY_PERSON and self.organisation_id is None

    def is_21_or_older_on(self, day: date) -> bool | None:
        if self.date_of_birth is None:
            return None
        birthday_21 = (
            self.date_of_birth.replace(year=self.date_of_birth.year + 21)
            if not (self.date_of_birth.month == 2 and self.date_of_birth.day == 29)
            else date(self.date_of_birth.year + 21, 3, 1)
        )
        return day >= birthday_21


class PartnerLanguage(models.Model):
    profile = models.ForeignKey(PartnerProfile, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    proficiency = models.CharField(_("proficiency"), max_length=10, choices=Proficiency.choices)

    class Meta:
        ordering = ["language__position", "language__name_nl"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "language"], name="partners_language_once_per_profile"
            ),
            models.CheckConstraint(
                condition=Q(proficiency__in=Proficiency.values),
                name="partners_language_proficiency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language} ({self.get_proficiency_display()})"
