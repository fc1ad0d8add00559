"""The gazetteer: CBS municipalities ⊃ districts (wijken) ⊃ neighbourhoods (buurten), and PC4 areas.

Codes follow CBS: municipality GMgggg, district WKggggww, neighbourhood BUggggwwbb; the digits nest.
Every place has a representative point (lat/lon, WGS84) so matching and maps can measure distance;
lat/lon are indexed so queries can prefilter by bounding box before exact geodesic distances.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Place(models.Model):
    code = models.CharField(_("CBS code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # Accent- and case-folded name for look-ups and autocomplete (see geo.text.fold).
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    lat = models.FloatField(_("latitude"), null=True, blank=True, db_index=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True, db_index=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def point(self) -> tuple[float, float] | None:
        return (self.lat, self.lon) if self.lat is not None and self.lon is not None else None


class Municipality(Place):
    class Meta(Place.Meta):
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")


class District(Place):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="districts",
        verbose_name=_("municipality"),
    )

    class Meta(Place.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")

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

    class Meta(Place.Meta):
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        indexes = [models.Index(fields=["lat", "lon"], name="geo_neighbourhood_latlon")]

    def __str__(self) -> str:
        return f"{self.name}, {self.municipality.name}"


class PostcodeArea(models.Model):
    """A 4-digit postcode. A PC4 can straddle neighbourhoods; it maps to the neighbourhood whose
    label point is nearest its centroid (approximate by nature)."""

    code = models.CharField(_("postcode (4 digits)"), max_length=4, unique=True)
    place_name = models.CharField(_("place"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"), db_index=True)
    lon = models.FloatField(_("longitude"), db_index=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="postcodes", null=True, blank=True
    )
    nearest_neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="postcodes", null=True, blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[1-9][0-9]{3}$"), name="geo_postcodearea_code_pc4"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.place_name}".strip()
