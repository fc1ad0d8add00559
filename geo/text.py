"""Folding and cleaning of place names, so that look-ups ignore case, accents, punctuation.

`fold("'s-Gravenhage")` and `fold("s Gravenhage")` are both "s gravenhage";
`fold("Súdwest-Fryslân")` is "sudwest fryslan". Folded strings are what the gazetteer indexes and
what `Place.search_name` stores.
"""

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
# CBS 2014 district names carry their number ("Wijk 29 Schildersbuurt"); people use the name only.
_DISTRICT_NUMBER = re.compile(r"^wijk\s+\d+\s+(?=\S)", re.IGNORECASE)
# GeoNames labels municipalities inconsistently ("Gemeente Emmen", "Assen Municipality",
# "Ameland Municipalitye", "Katwijk Municipalty", "Groningen. Municipality").
_MUNICIPALITY_PREFIX = re.compile(r"^gemeente\s+", re.IGNORECASE)
_MUNICIPALITY_SUFFIX = re.compile(r"[\s.]+municipa\w*$", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: no accents, apostrophes or hyphens."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(_NOT_ALNUM.sub(" ", text.casefold()).split())


def tidy(text: str) -> str:
    """Collapse runs of whitespace; source files have double spaces and stray padding."""
    return " ".join(text.split())


def clean_district_name(name: str) -> str:
    """'Wijk 29 Schildersbuurt' → 'Schildersbuurt'; a bare 'Wijk 01' stays as it is."""
    return _DISTRICT_NUMBER.sub("", tidy(name))


def clean_municipality_name(name: str) -> str:
    """'Gemeente Den Haag' → 'Den Haag'; 'Assen Municipality' → 'Assen'."""
    name = _MUNICIPALITY_SUFFIX.sub("", tidy(name))
    return _MUNICIPALITY_PREFIX.sub("", name).strip()
