"""The privacy guard: a support request describes a need, never a person.

`find_personal_data(text)` returns what in a text identifies or contacts a person; the validator
`validate_no_personal_data` turns the findings into one ValidationError that says exactly what to
remove. Every free-text field that reaches partners uses it (requests, partner profiles, offers),
in forms, serializers and services alike.

How it avoids false positives on ordinary need descriptions: numbers are only reported when they
pass the check that real identifiers pass (BSN 11-test, IBAN mod 97, the postcode rules of
`stdnum`), phone numbers need the exact number of digits of a Dutch or international number, and a
date needs day, month and year. Amounts (€ 1.250,00), hours ("20 uur"), years ("sinds 2015"), a
4-digit postcode ("2525"), ages ("8 en 12 jaar") and times ("14.30 uur") therefore pass.

Detectors run in a fixed order on a copy of the text in which every earlier finding (and every
date, reported or not) is masked, so one piece of text is reported once, under the most specific
kind: an IBAN's digits are not read again as a phone number, a date not as a phone number.
"""

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import postcode as stdnum_postcode

MASK = "#"


class Kind(StrEnum):
    EMAIL = "email"
    IBAN = "iban"
    DATE_OF_BIRTH = "date_of_birth"
    PAST_DATE = "past_date"
    ADDRESS = "address"
    POSTCODE = "postcode"
    PHONE = "phone"
    BSN = "bsn"


KIND_LABELS = {
    Kind.EMAIL: _("an e-mail address"),
    Kind.IBAN: _("a bank account number (IBAN)"),
    Kind.DATE_OF_BIRTH: _("a date of birth"),
    Kind.PAST_DATE: _("a date in the past, which could be a date of birth"),
    Kind.ADDRESS: _("an address"),
    Kind.POSTCODE: _("a full postcode: use only its 4 digits"),
    Kind.PHONE: _("a phone number"),
    Kind.BSN: _("a citizen service number (BSN)"),
}


@dataclass(frozen=True)
class Finding:
    kind: Kind
    text: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def message(self) -> str:
        return gettext(
            "Remove “%(text)s” (%(kind)s): a request describes a need, never a person."
        ) % {"text": self.text, "kind": self.label}


# (kind, start, end); kind None: masked for later detectors but not reported.
Span = tuple[Kind | None, int, int]


# --- e-mail -----------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")


def _emails(text: str, today: date) -> Iterator[Span]:
    if "@" not in text:
        return
    for match in _EMAIL.finditer(text):
        yield Kind.EMAIL, match.start(), match.end()


# --- IBAN -------------------------------------------------------------------------------------

# Country code, check digits, then letters/digits in groups separated by single spaces.
_IBAN = re.compile(r"(?<![A-Za-z0-9#])[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){10,32}")


def _ibans(text: str, today: date) -> Iterator[Span]:
    for match in _IBAN.finditer(text):
        candidate = match.group()
        # Greedy matching may run on into the next word ("… 1643 00 en"): try the longest
        # prefix that ends at a group boundary and is a valid IBAN.
        ends = [
            i for i in range(len(candidate), 14, -1) if i == len(candidate) or candidate[i] == " "
        ]
        for end in ends:
            compact = candidate[:end].replace(" ", "").upper()
            if 15 <= len(compact) <= 34 and stdnum_iban.is_valid(compact):
                yield Kind.IBAN, match.start(), match.start() + end
                break


# --- dates ------------------------------------------------------------------------------------

_MONTHS = {
    "januari": 1,
    "january": 1,
    "jan": 1,
    "februari": 2,
    "february": 2,
    "feb": 2,
    "maart": 3,
    "march": 3,
    "mrt": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "june": 6,
    "jun": 6,
    "juli": 7,
    "july": 7,
    "jul": 7,
    "augustus": 8,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "october": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th|ste|de|e)?"

_NUMERIC_DATE = re.compile(
    r"(?<![\d#])(?<!\d[.,/-])(?P<d>\d{1,2})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"(?!\d)(?![.,/-]\d)"
)
_ISO_DATE = re.compile(
    r"(?<![\d#])(?<!\d[.,/-])(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?!\d)(?![.,/-]\d)"
)
_DAY_MONTH_YEAR = re.compile(
    rf"(?<![\w#])(?P<d>\d{{1,2}}){_ORDINAL}\.?\s+(?:of\s+)?(?P<month>{_MONTH})\.?,?\s+"
    rf"(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?<![\w#])(?P<month>{_MONTH})\.?\s+(?P<d>\d{{1,2}}){_ORDINAL},?\s+(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# A birth keyword shortly before the date: "geboren op", "geb.", "DOB:", "date of birth".
_BIRTH_KEYWORD = re.compile(
    r"(?:\bgeboren\b|\bgeb\b\.?|\bgeboortedatum\b|\bgeboortedag\b|\bborn\b|\bdate\s+of\s+birth\b"
    r"|\bbirth\s*date\b|\bbirthday\b|\bd\.o\.b\.?|\bdob\b|\bverjaardag\b)[^.\n]{0,20}$",
    re.IGNORECASE,
)
_EARLIEST_YEAR, _LATEST_YEAR = 1900, 2100


def _full_year(year: str, today: date) -> int:
    if len(year) == 4:
        return int(year)
    two = int(year)
    return 2000 + two if 2000 + two <= today.year else 1900 + two


def _as_date(day: int, month: int, year: int) -> date | None:
    if not _EARLIEST_YEAR <= year <= _LATEST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        # 03/25/2015 (month first, as in the US) is still a date.
        try:
            return date(year, day, month)
        except ValueError:
            return None


def _date_matches(text: str, today: date) -> Iterator[tuple[int, int, date, bool]]:
    """Every full date in the text: (start, end, date, has a 2-digit year)."""
    for match in _NUMERIC_DATE.finditer(text):
        year = match.group("y")
        found = _as_date(int(match.group("d")), int(match.group("m")), _full_year(year, today))
        if found:
            yield match.start(), match.end(), found, len(year) == 2
    for match in _ISO_DATE.finditer(text):
        found = _as_date(int(match.group("d")), int(match.group("m")), int(match.group("y")))
        if found:
            yield match.start(), match.end(), found, False
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for match in pattern.finditer(text):
            month = _MONTHS[match.group("month").lower()]
            found = _as_date(int(match.group("d")), month, int(match.group("y")))
            if found:
                yield match.start(), match.end(), found, False


def _dates(text: str, today: date) -> Iterator[Span]:
    """Dates of birth (a birth keyword before a full date) and any full date in the past.

    Future dates (the start of the work, a meeting) are fine but still masked, so later detectors
    do not read their digits as a phone number; they come back with kind None.
    """
    for start, end, found, two_digit_year in _date_matches(text, today):
        after_keyword = bool(_BIRTH_KEYWORD.search(text[max(0, start - 40) : start]))
        if after_keyword:
            yield Kind.DATE_OF_BIRTH, start, end
        elif found < today and not two_digit_year:
            yield Kind.PAST_DATE, start, end
        else:
            yield None, start, end


# --- postcode and address ---------------------------------------------------------------------

_PC6 = re.compile(r"(?<![\w#])(?P<digits>[1-9][0-9]{3})(?P<space> ?)(?P<letters>[A-Za-z]{2})(?!\w)")
# 12, 12a, 12 A, 12-2, 12 bis, 12 hs
_HOUSE_NUMBER = r"\d{1,5}(?:[A-Za-z](?!\w)| [A-Z](?!\w)|\s?-\s?\d{1,4}(?!\d)| (?:bis|hs)\b)?"
_NUMBER_AFTER = re.compile(rf"[ \t]*,?[ \t]*(?:(?:nr|no|huisnummer)\.?[ \t]*)?{_HOUSE_NUMBER}")
_NUMBER_BEFORE = re.compile(
    rf"(?:\b[A-Z][\w'’.-]*[ \t]+)?(?<![\d#])(?:{_HOUSE_NUMBER})[ \t]*,?[ \t]*$"
)
# Words that say a number is a quantity, not a house number.
_QUANTITY = (
    r"(?:uur|u|keer|x|kind|kinderen|jaar|jarige|maand|maanden|week|weken|dag|dagen|minuten|min|"
    r"km|kilometer|meter|m|procent|euro|eur|gezin|gezinnen|ouders|moeders|vaders|jongeren|"
    r"personen|mensen|deelnemers|sessies|bijeenkomsten|gesprekken|afspraken|hours|hour|times|"
    r"children|child|years|year|weeks|days|months|families|people|parents|sessions)\b"
)
_QUANTITY_AFTER = re.compile(rf"[ \t]*,?[ \t]*\d+[ \t]*{_QUANTITY}")
_STREET_SUFFIX = (
    r"straat|laan|weg|plein|kade|gracht|singel|dreef|pad|dijk|steeg|plantsoen|boulevard|"
    r"straatweg|dwarsstraat"
)
_STREET_ADDRESS = re.compile(
    rf"\b[A-Z][\w'’-]*(?:{_STREET_SUFFIX})[ \t]+(?<![\d#]){_HOUSE_NUMBER}(?!\d)"
    rf"(?![ \t]*(?:%|€|{_QUANTITY}))"
)


def _is_pc6(match: re.Match) -> bool:
    letters = match.group("letters")
    # "2525 en 2526" is two PC4s, not a postcode: spaced letters must be capitals.
    if match.group("space") and not letters.isupper():
        return False
    return stdnum_postcode.is_valid(match.group("digits") + letters.upper())


def _postcodes(text: str, today: date) -> Iterator[Span]:
    """A full postcode; with a house number after ("2525 AB 12") or before it ("Hobbemastraat
    12, 2526 JV") it is an address."""
    for match in _PC6.finditer(text):
        if not _is_pc6(match):
            continue
        start, end = match.start(), match.end()
        after = _NUMBER_AFTER.match(text, end)
        before = _NUMBER_BEFORE.search(text, max(0, start - 60), start)
        if after and not _QUANTITY_AFTER.match(text, end):
            yield Kind.ADDRESS, start, after.end()
        elif before:
            yield Kind.ADDRESS, before.start(), end
        else:
            yield Kind.POSTCODE, start, end


def _street_addresses(text: str, today: date) -> Iterator[Span]:
    for match in _STREET_ADDRESS.finditer(text):
        yield Kind.ADDRESS, match.start(), match.end()


# --- phone numbers ----------------------------------------------------------------------------

_PHONE_CHAIN = re.compile(r"(?<![\w#+])[+(]?\+?\d[\d()+ \-–./]*[\d)]")
_PHONE_GROUP = re.compile(r"\(\s?\+?\d+\s?\)|\+?\d+")
# E.164 allows 15 digits; with an international prefix (00) and a trunk zero "(0)", 18.
_PHONE_MAX_DIGITS = 18
_PHONE_SEPARATORS = {"", " ", "-", "–", ".", "/", " - ", " – ", " / ", "- ", " -"}


def _phone_valid(groups: list[str]) -> bool:
    first = groups[0].strip("() ")
    digits = "".join(re.sub(r"\D", "", g) for g in groups)
    if first.startswith("+") or first.startswith("00"):
        international = digits[2:] if first.startswith("00") else digits
        if international.startswith("31"):
            subscriber = international[2:]
            trunk_zero = len(groups) > 1 and groups[1].replace(" ", "") == "(0)"
            if trunk_zero or subscriber.startswith("0"):  # +31 (0)6 …, +31 06 …
                subscriber = subscriber[1:]
            return len(subscriber) == 9 and subscriber[0] != "0"
        return 8 <= len(international) <= 15 and international[0] != "0"
    if first.startswith("0"):
        return len(digits) == 10 and digits[1] != "0"
    return False


def _phones(text: str, today: date) -> Iterator[Span]:
    for chain in _PHONE_CHAIN.finditer(text):
        groups = list(_PHONE_GROUP.finditer(chain.group()))
        # Split the chain where two groups are not joined like the parts of a phone number.
        runs, run = [], [groups[0]] if groups else []
        for previous, group in itertools.pairwise(groups):
            separator = chain.group()[previous.end() : group.start()]
            if separator in _PHONE_SEPARATORS:
                run.append(group)
            else:
                runs.append(run)
                run = [group]
        if run:
            runs.append(run)
        for run in runs:
            i = 0
            while i < len(run):
                if not re.match(r"\(?\s?(?:\+|0)", run[i].group()):
                    i += 1
                    continue
                best, digits = None, 0
                for j in range(i, len(run)):
                    digits += sum(char.isdigit() for char in run[j].group())
                    if digits > _PHONE_MAX_DIGITS:
                        break  # no phone number is longer: keeps this linear
                    if _phone_valid([g.group() for g in run[i : j + 1]]):
                        best = j
                if best is None:
                    i += 1
                    continue
                yield Kind.PHONE, chain.start() + run[i].start(), chain.start() + run[best].end()
                i = best + 1


# --- BSN --------------------------------------------------------------------------------------

# 123456782, 1234.56.782, 123 456 782 (one kind of separator within a number).
_BSN = re.compile(
    r"(?<![\d#])(?<!\d[.,])"
    r"(?:\d{9}|\d{4}(?P<a>[ .])\d{2}(?P=a)\d{3}|\d{3}(?P<b>[ .])\d{3}(?P=b)\d{3})"
    r"(?!\d)(?![.,]\d)"
)
# After a BSN keyword any 8 or 9 digits are a BSN, whether or not they pass the 11-test.
_BSN_KEYWORD = re.compile(
    r"\b(?:bsn|burgerservicenummer|sofi-?nummer|citizen\s+service\s+number)\b\W{0,5}"
    r"(?P<number>\d(?:[ .]?\d){7,8})(?!\d)",
    re.IGNORECASE,
)


_EUROS_BEFORE = re.compile(r"(?:€|\beur\b|\beuro\b)\s*$", re.IGNORECASE)


def _bsns(text: str, today: date) -> Iterator[Span]:
    for match in _BSN_KEYWORD.finditer(text):
        yield Kind.BSN, match.start("number"), match.end("number")
    for match in _BSN.finditer(text):
        if _EUROS_BEFORE.search(text, max(0, match.start() - 8), match.start()):
            continue  # an amount in euros
        if stdnum_bsn.is_valid(re.sub(r"\D", "", match.group())):
            yield Kind.BSN, match.start(), match.end()


# --- the guard --------------------------------------------------------------------------------

Detector = Callable[[str, date], Iterator[Span]]
DETECTORS: tuple[Detector, ...] = (
    _emails,
    _ibans,
    _dates,
    _postcodes,
    _street_addresses,
    _phones,
    _bsns,
)


def find_personal_data(text: str, *, today: date | None = None) -> list[Finding]:
    """Everything in `text` that identifies or contacts a person, in order of appearance."""
    if not text:
        return []
    today = today or timezone.localdate()
    # The working copy: MASK marks what earlier detectors took, so it may not occur otherwise.
    masked = text.replace(MASK, " ")
    findings: list[Finding] = []
    for detector in DETECTORS:
        spans = sorted(detector(masked, today), key=lambda span: span[1])
        taken_until = -1
        for kind, start, end in spans:
            if start < taken_until or MASK in masked[start:end]:
                continue  # overlaps a finding of this detector or an earlier one
            taken_until = end
            if kind is not None:
                findings.append(Finding(kind, text[start:end].strip(), start, end))
            masked = masked[:start] + MASK * (end - start) + masked[end:]
    findings.sort(key=lambda finding: finding.start)
    return findings


def personal_data_messages(text: str) -> list[str]:
    """One message per distinct finding, in order of appearance."""
    messages: list[str] = []
    for finding in find_personal_data(text):
        if finding.message not in messages:
            messages.append(finding.message)
    return messages


def validate_no_personal_data(value: str) -> None:
    """Django validator for free text that partners read. Raises one ValidationError that lists
    every piece of personal data and what to remove."""
    messages = personal_data_messages(value or "")
    if messages:
        raise ValidationError(
            [ValidationError(message, code="personal_data") for message in messages]
        )
