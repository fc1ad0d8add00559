"""Where a support request is: what the coordinator typed → a neighbourhood (and the PC4).

The one adapter between requests and the gazetteer (geo.selectors.resolve_place), so a change
there changes only this file. A request stores a neighbourhood, or a 4-digit postcode with its
nearest neighbourhood; never a full postcode or an address, which point at a family.
"""

import re

from django.utils.translation import gettext as _

from geo.areas import Kind
from geo.errors import PlaceNotFound, Reason
from geo.models import Neighbourhood, PostcodeArea
from geo.selectors import resolve_place
from marketplace.errors import DomainError

FIELD = "place"

# A full postcode (PC6), possibly followed by a house number: "2525 AB", "2525ab 12".
_PC6 = re.compile(r"^\s*[1-9][0-9]{3}\s?[A-Za-z]{2}(?![A-Za-z])")
_DIGITS_ONLY = re.compile(r"^[\d\s]+$")


def _refuse_full_postcode() -> DomainError:
    return DomainError(
        _(
            "Use only the 4 digits of the postcode (e.g. 2525) or the neighbourhood's name: "
            "a request never gives a family's full postcode or address."
        ),
        code="full_postcode",
        field=FIELD,
    )


def resolve_request_place(text: str) -> tuple[Neighbourhood, PostcodeArea | None]:
    """The neighbourhood (and the PC4, when one was given) that `text` names.

    Accepts a neighbourhood name or CBS code (BU…), a district or town (its central
    neighbourhood), or 4 digits. Refuses a full postcode, an address and a whole municipality,
    each with a message for the `place` field.
    """
    text = " ".join((text or "").split())
    if _PC6.match(text):
        raise _refuse_full_postcode()
    if _DIGITS_ONLY.match(text) and not re.fullmatch(r"[1-9][0-9]{3}", text):
        raise DomainError(
            _("A postcode for a request is just its 4 digits, e.g. 2525."),
            code="invalid_postcode",
            field=FIELD,
        )
    try:
        found = resolve_place(text)
    except PlaceNotFound as exc:
        if exc.reason == Reason.MALFORMED_POSTCODE:
            raise _refuse_full_postcode() from None
        raise exc.for_field(FIELD) from None
    if found.kind in (Kind.PC6, Kind.ADDRESS, Kind.POINT):
        raise _refuse_full_postcode()
    if found.neighbourhood is None:
        raise DomainError(
            _(
                "“%(place)s” is a whole municipality. Name a neighbourhood or district in it, "
                "or give a 4-digit postcode."
            )
            % {"place": found.label},
            code="place_too_broad",
            field=FIELD,
        )
    neighbourhood = (
        Neighbourhood.objects.select_related("municipality", "district")
        .filter(code=found.neighbourhood.code)
        .first()
    )
    postcode_area = None
    if found.kind == Kind.PC4 and found.pc4:
        postcode_area = PostcodeArea.objects.filter(code=found.pc4).first()
    if neighbourhood is None or (found.kind == Kind.PC4 and postcode_area is None):
        # The in-memory index is ahead of or behind the database (a reload in progress).
        raise DomainError(
            _("We could not place “%(text)s” just now. Please try again.") % {"text": text},
            code="place_not_found",
            field=FIELD,
        )
    return neighbourhood, postcode_area
