"""The sales chart is drawn by us: bar heights proportional to each day's sales."""

from datetime import date, timedelta
from decimal import Decimal

from retailers.charts import DayPoint, sales_chart


def test_bars_are_proportional_and_empty_days_are_flat():
    first = date(2026, 11, 1)
    points = [
        DayPoint(day=first + timedelta(days=i), orders=0, sales=Decimal("0")) for i in range(30)
    ]
    points[10] = DayPoint(day=points[10].day, orders=2, sales=Decimal("100.00"))
    points[20] = DayPoint(day=points[20].day, orders=1, sales=Decimal("50.00"))
    chart = sales_chart(points)
    heights = [bar.height for bar in chart["bars"]]
    assert heights[10] == 176.0  # the full plot height
    assert heights[20] == 88.0
    assert sum(1 for h in heights if h) == 2
    assert chart["total"] == Decimal("150.00")
    assert [bar.label for bar in chart["ticks"]] == ["Nov 2", "Nov 9", "Nov 16", "Nov 23", "Nov 30"]


def test_a_month_without_sales_draws_no_bars():
    points = [DayPoint(day=date(2026, 11, d), orders=0, sales=Decimal("0")) for d in range(1, 31)]
    chart = sales_chart(points)
    assert all(bar.height == 0 for bar in chart["bars"])
    assert chart["top_value"] == Decimal("0")
