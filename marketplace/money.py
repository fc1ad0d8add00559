"""Money and hours: the one place where amounts are rounded (to cents, half up).

Money is `Decimal` in euros everywhere; amounts are rounded once, where they enter (a form, a rate)
or where they are computed (an invoice line), never on the way in between.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize_money(value) -> Decimal:
    """Round a euro amount (or hours) to 2 decimals, half up. Floats are refused: they lie."""
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a Decimal, int or str")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(value) -> Decimal | None:
    """Parse input ("12,50", "12.5", 12) to a Decimal in cents; None when it is no number."""
    if isinstance(value, float):
        value = str(value)
    if isinstance(value, str):
        value = value.strip().replace("€", "").replace(" ", "")
        if "," in value and "." not in value:
            value = value.replace(",", ".")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not amount.is_finite():
        return None
    return quantize_money(amount)
