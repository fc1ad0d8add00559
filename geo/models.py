"""The gazetteer: CBS municipalities ⊃ districts (wijken) ⊃ neighbourhoods (buurten), and PC4 areas.

Codes follow CBS: municipality GMgggg, district WKggggww, neighbourhood BUggggwwbb; the digits nest.
Every place has a representative point (lat/lon, WGS84) so matching and maps can measure distance;
lat/lon are indexed so queries can prefilter by bounding box before exact geodesic distances.

Rows are reference data written only by geo.loader. A place that a newer source file no longer
lists is kept with `active=False` rather than deleted, because requests and profiles keep pointing
at the codes they were made with.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo import distance
from geo.text import fold


class PlaceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def matching(self, text: str):
        """Names containing the text, ignoring case, accents and punctuation."""
        return self.filter(search_name__contains=fold(text))

    def in_bounding_box(self, lat: float, lon: float, km: float):
        return distance.in_bounding_box(self, lat, lon, km)

    def near(self, lat: float, lon: float, km: float) -> list:
        """Nearest first, each with `distance_km`; see geo.distance.near."""
        return distance.near(self, lat, lon, km)


class MunicipalityQuerySet(PlaceQuerySet):
    def current(self):
        """Municipalities that exist today: not merged into another one since the CBS file."""
        return self.active().filter(merged_into__isnull=True)


class PartOfMunicipalityQuerySet(PlaceQuerySet):
    def in_municipality(self, code: str):
        """In the municipality, counting those merged into it (Eemsdelta ⊃ Appingedam)."""
        code = code.upper()
        return self.filter(Q(municipality__code=code) | Q(municipality__merged_into__code=code))


class Place(models.Model):
    code = models.CharField(_("CBS code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # Accent- and case-folded name for look-ups and autocomplete (see geo.text.fold).
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    # Other names people use ("'s-Gravenhage", "Schildersbuurt"); matched like the name.
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True, db_index=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True, db_index=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    active = models.BooleanField(_("in the current gazetteer"), default=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lat__isnull=True) | Q(lat__gte=-90, lat__lte=90))
                & (Q(lon__isnull=True) | Q(lon__gte=-180, lon__lte=180)),
                name="%(app_label)s_%(class)s_point_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def point(self) -> tuple[float, float] | None:
        return (self.lat, self.lon) if self.lat is not None and self.lon is not None else None


class Municipality(Place):
    # A municipality of the CBS file that has since merged (e.g. GM0003 Appingedam → GM1979
    # Eemsdelta): its districts and neighbourhoods keep their codes and count for the successor.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta(Place.Meta):
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            *Place.Meta.constraints,
            models.CheckConstraint(
                condition=Q(code__regex=r"^GM[0-9]{4}$"), name="geo_municipality_code_format"
            ),
        ]

    @property
    def current(self) -> "Municipality":
        """The municipality this one belongs to today (itself unless merged)."""
        municipality, seen = self, {self.pk}
        while municipality.merged_into_id and municipality.merged_into_id not in seen:
            seen.add(municipality.merged_into_id)
            municipality = municipality.merged_into
        return municipality


class District(Place):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="districts",
        verbose_name=_("municipality"),
    )

    objects = PartOfMunicipalityQuerySet.as_manager()

    class Meta(Place.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            *Place.Meta.constraints,
            models.CheckConstraint(
                condition=Q(code__regex=r"^WK[0-9]{6}$"), name="geo_district_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.municipality.name}"


class Neighbourhood(Place):
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="neighbourhoods",
        verbose_name=_("district"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="neighbourhoods",
        verbose_name=_("municipality"),
    )

    objects = PartOfMunicipalityQuerySet.as_manager()

    class Meta(Place.Meta):
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        indexes = [models.Index(fields=["lat", "lon"], name="geo_neighbourhood_latlon")]
        constraints = [
            *Place.Meta.constraints,
            models.CheckConstraint(
                condition=Q(code__regex=r"^BU[0-9]{8}$"), name="geo_neighbourhood_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.municipality.name}"


class PostcodeAreaQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class PostcodeArea(models.Model):
    """A 4-digit postcode. A PC4 can straddle neighbourhoods; it maps to the neighbourhood whose
    label point is nearest its centroid (approximate by nature)."""

    code = models.CharField(_("postcode (4 digits)"), max_length=4, unique=True)
    place_name = models.CharField(_("place"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"), db_index=True)
    lon = models.FloatField(_("longitude"), db_index=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="postcodes",
        null=True,
        blank=True,
        verbose_name=_("municipality"),
    )
    nearest_neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        related_name="postcodes",
        null=True,
        blank=True,
        verbose_name=_("nearest neighbourhood"),
    )
    active = models.BooleanField(_("in the current gazetteer"), default=True)

    objects = PostcodeAreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[1-9][0-9]{3}$"), name="geo_postcodearea_code_pc4"
            ),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="geo_postcodearea_point_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.place_name}".strip()


class GazetteerLoad(models.Model):
    """One run of the loader: which files, how many rows. The newest row is the version that
    running processes compare with to know their in-memory index is stale."""

    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    sources = models.JSONField(_("source files"), default=dict)
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        verbose_name = _("gazetteer load")
        verbose_name_plural = _("gazetteer loads")

    def __str__(self) -> str:
        return f"{self.loaded_at:%Y-%m-%d %H:%M}"


class GeocodeCache(models.Model):
    """Answers of an online geocoder, so a query is sent once per `GEOCODER_CACHE_DAYS`.

    The query is stored as a SHA-256 of its normalised text: people may type an address, and the
    cache should not become a list of them.
    """

    class Kind(models.TextChoices):
        GEOCODE = "geocode", _("geocode")
        REVERSE = "reverse", _("reverse")

    provider = models.CharField(_("provider"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    query_hash = models.CharField(_("query hash"), max_length=64)
    # A list of {address, lat, lon, raw}; empty when the provider found nothing.
    result = models.JSONField(_("result"), default=list)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("geocoder cache entry")
        verbose_name_plural = _("geocoder cache entries")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "kind", "query_hash"], name="geo_geocodecache_unique_query"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.query_hash[:12]}"
