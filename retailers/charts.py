"""The sales-per-day chart: inline SVG drawn by us (no script, no third-party asset)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class DayPoint:
    """One day of a retailer's sales (orders/sales.py's `sales_per_day` makes them)."""

    day: date
    orders: int
    sales: Decimal


WIDTH, HEIGHT, PAD_TOP, PAD_BOTTOM, PAD_LEFT, PAD_RIGHT = 640, 220, 16, 28, 48, 24


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    center: float
    label: str
    day: str
    sales: Decimal
    orders: int


def sales_chart(points: list[DayPoint]) -> dict:
    top = max((p.sales for p in points), default=Decimal("0")) or Decimal("1")
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = (WIDTH - PAD_LEFT - PAD_RIGHT) / max(len(points), 1)
    bars = []
    for i, p in enumerate(points):
        h = float(p.sales / top) * plot_h if p.sales > 0 else 0.0
        bars.append(
            Bar(
                x=round(PAD_LEFT + i * slot + slot * 0.15, 2),
                y=round(PAD_TOP + plot_h - h, 2),
                width=round(slot * 0.7, 2),
                height=round(h, 2),
                center=round(PAD_LEFT + i * slot + slot / 2, 2),
                label=p.day.strftime("%b %-d"),
                day=p.day.isoformat(),
                sales=p.sales,
                orders=p.orders,
            )
        )
    ticks = [b for i, b in enumerate(bars) if (len(bars) - 1 - i) % 7 == 0]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": PAD_TOP + plot_h,
        "left": PAD_LEFT,
        "top_value": top if any(p.sales for p in points) else Decimal("0"),
        "top_y": PAD_TOP,
        "bars": bars,
        "ticks": ticks,
        "label_y": HEIGHT - 8,
        "total": sum((p.sales for p in points), Decimal("0")),
    }
