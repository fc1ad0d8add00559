"""Validators for Dutch identifiers, shared by models, forms and serializers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import btw, postcode

_KVK = re.compile(r"^[0-9]{8}$")


def validate_kvk(value: str) -> None:
    # KvK numbers have no check digit: exactly 8 digits is the whole rule.
    if not _KVK.match(value or ""):
        raise ValidationError(
            _("A KvK number has exactly 8 digits, for example 12345678."), code="invalid_kvk"
        )


def normalise_kvk(value: str) -> str:
    """People type KvK numbers with spaces or dots ("1234 5678"); store the 8 digits."""
    value = (value or "").replace(" ", "").replace(".", "")
    validate_kvk(value)
    return value


def normalise_postcode(value: str) -> str:
    """'2525ab' -> '2525 AB'. Raises ValidationError for anything that is not a Dutch postcode."""
    try:
        return postcode.validate(value)
    except StdnumError:
        raise ValidationError(
            _("Enter a Dutch postcode such as 2525 AB."), code="invalid_postcode"
        ) from None


def validate_postcode(value: str) -> None:
    normalise_postcode(value)


def normalise_iban(value: str) -> str:
    try:
        return stdnum_iban.validate(value)
    except StdnumError:
        raise ValidationError(
            _("This is not a valid IBAN; check the letters and digits (NL IBANs have 18)."),
            code="invalid_iban",
        ) from None


def validate_iban(value: str) -> None:
    normalise_iban(value)


def normalise_vat_id(value: str) -> str:
    """Dutch VAT id as NL + 9 digits + B + 2 digits. (stdnum's compact() drops the NL prefix.)"""
    try:
        return "NL" + btw.validate(value)
    except StdnumError:
        raise ValidationError(
            _("A Dutch VAT id looks like NL123456789B01."), code="invalid_vat_id"
        ) from None


def validate_vat_id(value: str) -> None:
    normalise_vat_id(value)
