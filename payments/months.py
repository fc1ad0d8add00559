"""Calendar months, as money documents cover them."""

import calendar
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError


def month_span(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a month (callers check the range they accept)."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def month_bounds(year: int, month: int, *, field: str = "month") -> tuple[date, date]:
    """The first and last day of a month; a DomainError on `field` for a month out of range."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise DomainError(_("Choose a month between 2000 and 2100."), field=field)
    return month_span(year, month)


def previous_month(today: date | None = None) -> tuple[int, int]:
    """(year, month) of the month before `today` (the local date by default)."""
    last = (today or timezone.localdate()).replace(day=1) - timedelta(days=1)
    return last.year, last.month
