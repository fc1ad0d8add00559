"""Curated, staff-editable lists shared by partners and requests: kinds of work, communities and
languages (ISO 639 codes). Names are kept in Dutch and English; `name` follows the active
language."""

import langcodes
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def validate_language_code(value: str) -> None:
    if not langcodes.tag_is_valid(value) or "-" in value:
        raise ValidationError(
            _("Use an ISO 639 language code such as ti, ary or pap."), code="invalid_language"
        )


class TaxonomyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Term(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "name_nl"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


class Expertise(Term):
    """A kind of work: explaining the youth-care system, bridging to care, …"""

    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta(Term.Meta):
        verbose_name = _("kind of work")
        verbose_name_plural = _("kinds of work")


class Community(Term):
    class Meta(Term.Meta):
        verbose_name = _("community")
        verbose_name_plural = _("communities")


class Language(Term):
    """A language by ISO 639 code (639-1 where it exists, else 639-3: ary, pap, srn, prs…)."""

    code = models.CharField(
        _("ISO 639 code"), max_length=8, unique=True, validators=[validate_language_code]
    )

    class Meta(Term.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class Proficiency(models.TextChoices):
    NATIVE = "native", _("native")
    FLUENT = "fluent", _("fluent")
    BASIC = "basic", _("basic")


PROFICIENCY_RANK = {Proficiency.NATIVE: 3, Proficiency.FLUENT: 2, Proficiency.BASIC: 1}
