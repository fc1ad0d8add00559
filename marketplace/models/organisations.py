"""Organisations, memberships (roles) and invitations, with the one place that scopes reads."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.validators import validate_kvk, validate_postcode


class OrganisationKind(models.TextChoices):
    MZO = "mzo", _("Migrant organisation (MZO)")
    CARE = "care", _("Care organisation")
    MUNICIPALITY = "municipality", _("Municipality")
    PLATFORM = "platform", _("Platform")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Care coordinator")
    KEY_PERSON = "key_person", _("Key person")
    AUDITOR = "auditor", _("Auditor")


# Which roles make sense in which kind of organisation (admin everywhere).
ROLES_BY_KIND: dict[str, set[str]] = {
    OrganisationKind.MZO: {Role.ADMIN, Role.KEY_PERSON},
    OrganisationKind.CARE: {Role.ADMIN, Role.COORDINATOR},
    OrganisationKind.MUNICIPALITY: {Role.ADMIN, Role.AUDITOR},
    OrganisationKind.PLATFORM: {Role.ADMIN},
}


def _is_member(user) -> bool:
    return bool(user and user.is_authenticated)


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrganisationQuerySet":
        """Own organisations; for a municipality's auditor also those located in or contracted by
        that municipality; everything for platform staff."""
        if not _is_member(user):
            return self.none()
        if user.is_staff:
            return self.all()
        memberships = Membership.objects.filter(user=user, is_active=True)
        audited = memberships.filter(
            role=Role.AUDITOR, organisation__kind=OrganisationKind.MUNICIPALITY
        ).values("organisation__municipality")
        return self.filter(
            Q(pk__in=memberships.values("organisation"))
            | Q(municipality__in=audited)
            | Q(contracted_by__in=audited)
        ).distinct()

    def administered_by(self, user) -> "OrganisationQuerySet":
        if not _is_member(user):
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(
            memberships__user=user, memberships__is_active=True, memberships__role=Role.ADMIN
        )

    def verified(self) -> "OrganisationQuerySet":
        return self.filter(verification_status=VerificationStatus.VERIFIED)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        blank=True,
        validators=[validate_kvk],
        help_text=_("Chamber of Commerce number: 8 digits."),
    )
    street = models.CharField(_("street and house number"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[validate_postcode]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        "geo.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
        help_text=_("Where the organisation is based; for a municipality, the one it is."),
    )
    contracted_by = models.ManyToManyField(
        "geo.Municipality",
        blank=True,
        related_name="contracted_organisations",
        verbose_name=_("contracted by municipalities"),
        help_text=_("For care organisations: the municipalities that buy care from them."),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    verification_status = models.CharField(
        _("verification"),
        max_length=20,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["kvk_number"],
                condition=~Q(kvk_number=""),
                name="marketplace_organisation_kvk_unique",
            ),
            models.CheckConstraint(
                condition=Q(kvk_number="") | Q(kvk_number__regex=r"^[0-9]{8}$"),
                name="marketplace_organisation_kvk_8_digits",
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.MUNICIPALITY) | Q(municipality__isnull=False),
                name="marketplace_organisation_municipality_has_place",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values),
                name="marketplace_organisation_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(verification_status__in=VerificationStatus.values),
                name="marketplace_organisation_verification_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED

    def allowed_roles(self) -> set[str]:
        return ROLES_BY_KIND[self.kind]


class MembershipQuerySet(models.QuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True)

    def visible_to(self, user) -> "MembershipQuerySet":
        """Your own memberships and your colleagues' in organisations where you are active."""
        if not _is_member(user):
            return self.none()
        if user.is_staff:
            return self.all()
        own_orgs = Membership.objects.filter(user=user, is_active=True).values("organisation")
        return self.filter(Q(user=user) | Q(organisation__in=own_orgs))


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="marketplace_membership_one_per_org"
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="marketplace_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} @ {self.organisation}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class OrganisationInvitationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrganisationInvitationQuerySet":
        return self.filter(organisation__in=Organisation.objects.administered_by(user))

    def pending(self) -> "OrganisationInvitationQuerySet":
        return self.filter(status=InvitationStatus.PENDING, expires_at__gt=timezone.now())


class OrganisationInvitation(models.Model):
    """An e-mailed link to join an organisation with a role. Only a hash of the token is stored."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(status="pending"),
                name="marketplace_invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at > timezone.now()
