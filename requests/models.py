"""Support requests: a care organisation's need for informal expertise, in a place, for a period.

A request describes a need, never a person: every free text runs through the privacy guard, and
the place is a neighbourhood (optionally the 4-digit postcode the coordinator typed), never an
address. Reads are scoped in `SupportRequestQuerySet`; writes go through `requests.services`.
"""

import math
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from geo.distance import bounding_box
from geo.spatial import KM_PER_DEGREE_LAT
from marketplace.models import Membership, Role
from partners.models import PartnerProfile, Proficiency
from requests.privacy import validate_no_personal_data


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    MATCHING = "matching", _("Matching")
    FILLED = "filled", _("Filled")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


# Statuses in which partners may see a request and respond to it.
PARTNER_VISIBLE = (Status.OPEN, Status.MATCHING)


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    EITHER = "either", _("In person or online")


class Requirement(models.TextChoices):
    REQUIRED = "required", _("required")
    PREFERRED = "preferred", _("preferred")


MANAGER_ROLES = (Role.COORDINATOR, Role.ADMIN)


def _managed_organisations(user):
    """Organisations in which `user` may manage support requests."""
    return Membership.objects.filter(user=user, is_active=True, role__in=MANAGER_ROLES).values(
        "organisation"
    )


class SupportRequestQuerySet(models.QuerySet):
    def open(self) -> "SupportRequestQuerySet":
        return self.filter(status=Status.OPEN)

    def partner_visible(self) -> "SupportRequestQuerySet":
        return self.filter(status__in=PARTNER_VISIBLE)

    def for_organisation(self, organisation) -> "SupportRequestQuerySet":
        return self.filter(organisation=organisation)

    def managed_by(self, user) -> "SupportRequestQuerySet":
        """Requests of the organisations where `user` is coordinator or admin; all for staff."""
        if not (user and user.is_authenticated):
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(organisation__in=_managed_organisations(user))

    def relevant_to_partner(self, profile: PartnerProfile) -> "SupportRequestQuerySet":
        """Open or matching requests this partner could take on: language and area.

        Language: one of the partner's languages is a required or preferred language of the
        request, or the request asks for no particular language. (Proficiency is weighed by
        matching, not here: a partner may still pass a request on to a colleague.)
        Area: the work can be done online and the partner works online; or the partner works in
        person and the request's neighbourhood is one they serve, lies in a municipality where
        they serve a neighbourhood, or lies within their travel radius of their home base.
        """
        return self.partner_visible().filter(
            self._language_match(profile) & self._area_match(profile)
        )

    @staticmethod
    def _language_match(profile: PartnerProfile) -> Q:
        spoken = profile.languages.values("language")
        has_language = Exists(RequestLanguage.objects.filter(request=OuterRef("pk")))
        speaks_one = Exists(
            RequestLanguage.objects.filter(request=OuterRef("pk"), language__in=spoken)
        )
        return ~Q(has_language) | Q(speaks_one)

    @staticmethod
    def _area_match(profile: PartnerProfile) -> Q:
        area = Q(pk__in=[])
        if profile.online:
            area |= Q(mode__in=[Mode.ONLINE, Mode.EITHER])
        if not profile.in_person:
            return area
        in_person = Q(mode__in=[Mode.IN_PERSON, Mode.EITHER])
        served = profile.neighbourhoods.all()
        near = Q(neighbourhood__in=served.values("pk")) | Q(
            neighbourhood__municipality__in=served.values("municipality")
        )
        base = profile.base_neighbourhood
        if base is not None and base.lat is not None and base.lon is not None:
            near |= _within_km(base.lat, base.lon, profile.travel_radius_km)
        return area | (in_person & near)

    def relevant_to_user(self, user) -> "SupportRequestQuerySet":
        """Open or matching requests relevant to any partner profile `user` manages."""
        if not (user and user.is_authenticated):
            return self.none()
        if user.is_staff:
            return self.partner_visible()
        profiles = PartnerProfile.objects.managed_by(user).select_related("base_neighbourhood")
        condition = Q(pk__in=[])
        for profile in profiles:
            condition |= Q(pk__in=SupportRequest.objects.relevant_to_partner(profile).values("pk"))
        return self.partner_visible().filter(condition)

    def visible_to(self, user) -> "SupportRequestQuerySet":
        """Coordinators and admins see all of their organisation's requests, partners the open
        ones relevant to them, platform staff everything."""
        if not (user and user.is_authenticated):
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(
            Q(pk__in=SupportRequest.objects.managed_by(user).values("pk"))
            | Q(pk__in=SupportRequest.objects.relevant_to_user(user).values("pk"))
        )

    def with_details(self) -> "SupportRequestQuerySet":
        """Everything a list or detail shows, in a fixed number of queries."""
        return self.select_related(
            "organisation",
            "created_by",
            "expertise",
            "community",
            "neighbourhood__district",
            "neighbourhood__municipality",
            "postcode_area",
        ).prefetch_related(
            Prefetch(
                "languages",
                queryset=RequestLanguage.objects.select_related("language").order_by(
                    *RequestLanguage._meta.ordering
                ),
            )
        )


def _within_km(lat: float, lon: float, km: float) -> Q:
    """Requests whose neighbourhood lies within `km` of (lat, lon).

    An equirectangular distance in SQL (exact to well under 1% at a travel radius), behind the
    bounding-box prefilter on the indexed lat/lon columns. Arithmetic only, so it runs the same
    on PostgreSQL and SQLite.
    """
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)
    km_per_degree_lon = KM_PER_DEGREE_LAT * math.cos(math.radians(lat))
    dy = (F("neighbourhood__lat") - lat) * KM_PER_DEGREE_LAT
    dx = (F("neighbourhood__lon") - lon) * km_per_degree_lon
    inside = SupportRequest.objects.alias(distance_sq=dy * dy + dx * dx).filter(
        neighbourhood__lat__gte=min_lat,
        neighbourhood__lat__lte=max_lat,
        neighbourhood__lon__gte=min_lon,
        neighbourhood__lon__lte=max_lon,
        distance_sq__lte=km * km,
    )
    return Q(pk__in=inside.values("pk"))


class SupportRequest(models.Model):
    organisation = models.ForeignKey(
        "marketplace.Organisation",
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("care organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    title = models.CharField(_("title"), max_length=120, validators=[validate_no_personal_data])
    expertise = models.ForeignKey(
        "partners.Expertise",
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("kind of work"),
    )
    community = models.ForeignKey(
        "partners.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("community"),
    )
    neighbourhood = models.ForeignKey(
        "geo.Neighbourhood",
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("neighbourhood"),
    )
    postcode_area = models.ForeignKey(
        "geo.PostcodeArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("postcode (4 digits)"),
        help_text=_("Set when the coordinator gave a 4-digit postcode instead of a neighbourhood."),
    )
    mode = models.CharField(_("in person or online"), max_length=10, choices=Mode.choices)
    hours_estimated = models.DecimalField(_("hours estimated"), max_digits=6, decimal_places=2)
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    budget_ceiling = models.DecimalField(
        _("budget ceiling (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    response_deadline = models.DateField(_("respond before"))
    description = models.TextField(
        _("the need"), max_length=5000, validators=[validate_no_personal_data]
    )
    internal_notes = models.TextField(
        _("internal notes"),
        max_length=5000,
        blank=True,
        validators=[validate_no_personal_data],
        help_text=_("Only your organisation sees these; partners never do."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now_add=True)

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="requests_supportrequest_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(hours_estimated__gt=0), name="requests_supportrequest_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(budget_ceiling__gte=0),
                name="requests_supportrequest_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="requests_supportrequest_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=Mode.values), name="requests_supportrequest_mode_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "response_deadline"], name="requests_status_deadline"),
            models.Index(fields=["organisation", "status"], name="requests_org_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def place_label(self) -> str:
        """What partners see of the place: the neighbourhood, or the PC4 with its neighbourhood."""
        if self.postcode_area_id:
            return f"{self.postcode_area.code} ({self.neighbourhood})"
        return str(self.neighbourhood)


class RequestLanguage(models.Model):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(
        "partners.Language", on_delete=models.PROTECT, related_name="+", verbose_name=_("language")
    )
    requirement = models.CharField(
        _("requirement"),
        max_length=10,
        choices=Requirement.choices,
        default=Requirement.REQUIRED,
    )
    min_proficiency = models.CharField(
        _("minimum proficiency"),
        max_length=10,
        choices=Proficiency.choices,
        default=Proficiency.BASIC,
    )

    class Meta:
        # Required languages first ("required" sorts after "preferred").
        ordering = ["-requirement", "language__position", "language__name_nl"]
        verbose_name = _("language of a request")
        verbose_name_plural = _("languages of a request")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "language"], name="requests_language_once_per_request"
            ),
            models.CheckConstraint(
                condition=Q(requirement__in=Requirement.values),
                name="requests_language_requirement_valid",
            ),
            models.CheckConstraint(
                condition=Q(min_proficiency__in=Proficiency.values),
                name="requests_language_proficiency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language} ({self.get_requirement_display()})"
