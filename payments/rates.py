"""The municipal rate card: the reference hourly rate of a formal professional per kind of work.

An engagement keeps the reference rate of the moment its terms were agreed
(`Engagement.reference_rate`), so "below parity" stays what it was at agreement for both sides
and for the municipality's audit, even when the rate card changes later.
"""

from decimal import ROUND_HALF_UP, Decimal

from payments.models import RateCard


def reference_rate_for(municipality, year: int, expertise) -> Decimal | None:
    """The reference hourly rate for `expertise` (object or id) in `municipality` (object or id)
    in `year`; None when there is no rate card entry for it (then nothing is flagged)."""
    if municipality is None or expertise is None or year is None:
        return None
    return (
        RateCard.objects.filter(municipality=municipality, year=year, expertise=expertise)
        .values_list("hourly_rate", flat=True)
        .first()
    )


def parity_percentage(agreed: Decimal, reference: Decimal | None) -> int | None:
    """The agreed rate as a whole percentage of the reference (80 means 20% below it)."""
    if reference is None or reference <= 0:
        return None
    return int((Decimal(agreed) * 100 / Decimal(reference)).quantize(Decimal("1"), ROUND_HALF_UP))
