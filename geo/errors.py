"""The one error the gazetteer raises: the text did not lead to a place, and why."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError


class Reason(StrEnum):
    EMPTY = "empty"
    MALFORMED_POSTCODE = "malformed_postcode"
    UNKNOWN_POSTCODE = "unknown_postcode"
    POSTCODE_MISMATCH = "postcode_mismatch"
    UNKNOWN_CODE = "unknown_code"
    UNKNOWN_NAME = "unknown_name"
    AMBIGUOUS = "ambiguous"
    OUT_OF_RANGE = "out_of_range"
    INVALID_POINT = "invalid_point"


class PlaceNotFound(DomainError):
    """Raised instead of guessing: callers show `message` to the person who typed the text.

    `reason` is stable for code (e.g. a form that offers suggestions only on `ambiguous`);
    `candidates` holds the labels of the places an ambiguous name could mean.
    """

    code = "place_not_found"

    def __init__(
        self,
        message: str,
        *,
        reason: Reason,
        field: str | None = None,
        candidates: tuple[str, ...] = (),
    ):
        super().__init__(str(message), field=field)
        self.reason = reason
        self.candidates = candidates

    def for_field(self, field: str) -> "PlaceNotFound":
        return PlaceNotFound(
            self.message, reason=self.reason, field=field, candidates=self.candidates
        )


def empty() -> PlaceNotFound:
    return PlaceNotFound(_("Enter a postcode or the name of a place."), reason=Reason.EMPTY)


def malformed_postcode(text: str) -> PlaceNotFound:
    return PlaceNotFound(
        _("“%(text)s” is not a Dutch postcode: use four digits and two letters, e.g. 2525 AB.")
        % {"text": text},
        reason=Reason.MALFORMED_POSTCODE,
    )


def unknown_postcode(pc4: str) -> PlaceNotFound:
    return PlaceNotFound(
        _("Postcode %(pc4)s does not exist in the Netherlands.") % {"pc4": pc4},
        reason=Reason.UNKNOWN_POSTCODE,
    )


def postcode_mismatch(pc4: str, municipality: str, other: str) -> PlaceNotFound:
    return PlaceNotFound(
        _("Postcode %(pc4)s is in %(municipality)s, not in %(other)s.")
        % {"pc4": pc4, "municipality": municipality, "other": other},
        reason=Reason.POSTCODE_MISMATCH,
    )


def unknown_code(code: str) -> PlaceNotFound:
    return PlaceNotFound(
        _("There is no municipality, district or neighbourhood with code %(code)s.")
        % {"code": code},
        reason=Reason.UNKNOWN_CODE,
    )


def unknown_name(text: str) -> PlaceNotFound:
    return PlaceNotFound(
        _("No Dutch municipality, district or neighbourhood is called “%(text)s”.")
        % {"text": text},
        reason=Reason.UNKNOWN_NAME,
    )


def ambiguous(text: str, labels: list[str]) -> PlaceNotFound:
    shown = "; ".join(labels[:5]) + ("; …" if len(labels) > 5 else "")
    return PlaceNotFound(
        _(
            "“%(text)s” matches %(count)d places (%(shown)s): "
            "add the municipality, e.g. “%(example)s”."
        )
        % {"text": text, "count": len(labels), "shown": shown, "example": labels[0]},
        reason=Reason.AMBIGUOUS,
        candidates=tuple(labels),
    )


def out_of_range(km: float) -> PlaceNotFound:
    return PlaceNotFound(
        _("There is no Dutch neighbourhood within %(km)s km of this point.") % {"km": f"{km:g}"},
        reason=Reason.OUT_OF_RANGE,
    )


def invalid_point() -> PlaceNotFound:
    return PlaceNotFound(
        _("Give a point as latitude and longitude in degrees."), reason=Reason.INVALID_POINT
    )


class GeocoderUnavailable(DomainError):
    """The online geocoder did not answer; the gazetteer still does, so this is rare."""

    status = 503
    code = "geocoder_unavailable"

    def __init__(self):
        super().__init__(str(_("The address service is not available; try a postcode instead.")))
