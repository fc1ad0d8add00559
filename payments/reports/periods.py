"""The period an audit figure covers: a month, quarter, year or custom range of dates."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from payments.months import month_span

MAX_DAYS = 3 * 366  # keeps a custom range to what the dashboard is meant for


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    kind: str  # month, quarter, year or custom
    value: str  # as in the query string: 2026-03, 2026-Q1, 2026, or 2026-01-01..2026-02-15

    @property
    def label(self) -> str:
        if self.kind == "custom":
            return f"{self.start:%d-%m-%Y} – {self.end:%d-%m-%Y}"
        return self.value

    def months(self) -> list[date]:
        """The first day of every month the period touches (the x-axis of spend over time)."""
        first, months = self.start.replace(day=1), []
        while first <= self.end:
            months.append(first)
            first = (first + timedelta(days=32)).replace(day=1)
        return months

    def moments(self) -> tuple[datetime, datetime]:
        """[first moment, first moment after) in the active time zone: timestamps compared as
        stored, rather than each cast to a local date, which no index can serve."""
        zone = timezone.get_current_timezone()
        after = self.end + timedelta(days=1)
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(after, time.min, tzinfo=zone),
        )

    def query(self) -> str:
        if self.kind == "custom":
            return f"period=custom&start={self.start.isoformat()}&end={self.end.isoformat()}"
        return f"period={self.kind}&value={self.value}"


def month(year: int, number: int) -> Period:
    return Period(*month_span(year, number), "month", f"{year}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    first = month_span(year, 3 * number - 2)[0]
    last = month_span(year, 3 * number)[1]
    return Period(first, last, "quarter", f"{year}-Q{number}")


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), "year", str(number))


def period_from(params) -> Period:
    """Read `period` (month|quarter|year|custom) with `value` or `start`/`end` from a query dict.

    Without parameters: the current year so far. Raises ValidationError with a message that
    says what to type, so the page and the API can show it next to the filter."""
    kind = (params.get("period") or "year").strip()
    value = (params.get("value") or "").strip()
    today = timezone.localdate()
    try:
        if kind == "year":
            number = int(value or today.year)
            if not 2000 <= number <= 2100:
                raise ValueError
            return year(number)
        if kind == "quarter":
            match = re.fullmatch(r"(\d{4})-Q([1-4])", value.upper())
            if not match:
                raise ValueError
            return quarter(int(match[1]), int(match[2]))
        if kind == "month":
            match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
            if not match or not 1 <= int(match[2]) <= 12:
                raise ValueError
            return month(int(match[1]), int(match[2]))
        if kind == "custom":
            start = date.fromisoformat((params.get("start") or "").strip())
            end = date.fromisoformat((params.get("end") or "").strip())
        else:
            raise ValidationError(
                _("Choose a period: month, quarter, year or custom."), code="invalid_period"
            )
    except ValueError:
        examples = {
            "year": "2026",
            "quarter": "2026-Q1",
            "month": "2026-03",
            "custom": "2026-01-01 … 2026-02-15",
        }
        raise ValidationError(
            _("This %(kind)s is not a date we can read; type it like %(example)s.")
            % {"kind": kind, "example": examples.get(kind, "2026")},
            code="invalid_period",
        ) from None
    if end < start:
        raise ValidationError(_("The period ends before it starts."), code="invalid_period")
    if (end - start).days > MAX_DAYS:
        raise ValidationError(_("Choose a period of at most three years."), code="invalid_period")
    value = f"{start.isoformat()}..{end.isoformat()}"
    return Period(start, end, "custom", value)
