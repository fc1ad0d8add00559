"""Server-rendered charts: the geometry is computed here, the SVG is drawn by templates
(templates/audit/_*_chart.html), so there is no script and nothing to download."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format

WIDTH = 640
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 210


@dataclass
class Bar:
    label: str
    value: Decimal
    x: float
    y: float
    width: float
    height: float


def horizontal_bars(items: list[tuple[str, Decimal]], limit: int = 10) -> dict:
    """Bars for a breakdown (largest first): label on the left, value at the end of the bar."""
    items = [(label, value) for label, value in items if value is not None][:limit]
    largest = max((value for _, value in items), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 90
    bars = [
        Bar(
            label=label,
            value=value,
            x=LABEL_WIDTH,
            y=index * (BAR_HEIGHT + GAP),
            width=max(float(value) / float(largest) * room, 1 if value else 0),
            height=BAR_HEIGHT,
        )
        for index, (label, value) in enumerate(items)
    ]
    return {"bars": bars, "width": WIDTH, "height": max(len(bars) * (BAR_HEIGHT + GAP), 1)}


def columns(points: list[tuple], height: int = 200) -> dict:
    """Columns of spend over time: one per month, with a label under each."""
    count = max(len(points), 1)
    step = (WIDTH - 60) / count
    largest = max((float(value) for _, value in points), default=0) or 1
    bars = [
        Bar(
            # The year only where it changes, so twelve labels fit on a phone.
            label=date_format(month, "M Y" if index == 0 or month.month == 1 else "M"),
            value=value,
            x=50 + index * step + step * 0.15,
            y=height - float(value) / largest * height,
            width=step * 0.7,
            height=float(value) / largest * height,
        )
        for index, (month, value) in enumerate(points)
    ]
    return {"bars": bars, "width": WIDTH, "height": height, "axis_y": height, "largest": largest}
