"""`{{ value|hours }}`: hours as people write them (1.5, 24, 0.25), never 1.50."""

from django import template
from django.utils import formats

from marketplace.services.time_entries import fmt_hours

register = template.Library()


@register.filter
def hours(value) -> str:
    if value in (None, ""):
        return ""
    text = fmt_hours(value)
    # The decimal separator of the active language (1,5 in Dutch).
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))
