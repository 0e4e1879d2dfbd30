"""A retailer's orders and sales, as the back office shows them (selectors).

Every query is scoped to the retailer passed in: the back office passes the signed-in one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone

from retailers.charts import DayPoint
from retailers.models import Retailer

from .models import Order

# Orders that count as sales: paid, whatever happened next; refunds subtracted.
SALE_STATUSES = (
    Order.Status.PAID,
    Order.Status.SHIPPED,
    Order.Status.PARTIALLY_REFUNDED,
    Order.Status.REFUNDED,
)


def order_list_for_retailer(
    *,
    retailer: Retailer,
    status: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    number: str = "",
) -> QuerySet[Order]:
    qs = Order.objects.filter(retailer=retailer).order_by("-created_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(created_at__gte=_local_midnight(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_local_midnight(date_to + timedelta(days=1)))
    if number:
        qs = qs.filter(number__icontains=number)
    return qs


def order_get_for_retailer(*, retailer: Retailer, order_id: int) -> Order:
    """The order, if credited to this retailer; 404 otherwise (never another's)."""
    order = (
        Order.objects.filter(retailer=retailer, pk=order_id)
        .prefetch_related("lines", "events")
        .first()
    )
    if order is None:
        raise Http404("No such order")
    return order


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


@dataclass(frozen=True)
class SalesFigures:
    orders: int
    sales: Decimal


def _figures(qs: QuerySet[Order]) -> SalesFigures:
    agg = qs.filter(status__in=SALE_STATUSES).aggregate(
        orders=Count("pk"),
        sales=Coalesce(
            Sum(F("total") - F("refunded_amount")),
            Value(Decimal("0.00")),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
    )
    return SalesFigures(orders=agg["orders"], sales=agg["sales"])


def sales_this_month(*, retailer: Retailer, today: date | None = None) -> SalesFigures:
    today = today or timezone.localdate()
    start = _local_midnight(today.replace(day=1))
    return _figures(Order.objects.filter(retailer=retailer, created_at__gte=start))


def sales_last_days(
    *, retailer: Retailer, days: int = 30, today: date | None = None
) -> SalesFigures:
    today = today or timezone.localdate()
    start = _local_midnight(today - timedelta(days=days - 1))
    return _figures(Order.objects.filter(retailer=retailer, created_at__gte=start))


def sales_per_day(
    *, retailer: Retailer, days: int = 30, today: date | None = None
) -> list[DayPoint]:
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = (
        Order.objects.filter(
            retailer=retailer,
            status__in=SALE_STATUSES,
            created_at__gte=_local_midnight(first),
        )
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(orders=Count("pk"), sales=Sum(F("total") - F("refunded_amount")))
    )
    by_day = {row["day"]: row for row in rows}
    points = []
    for i in range(days):
        day = first + timedelta(days=i)
        row = by_day.get(day)
        points.append(
            DayPoint(
                day=day,
                orders=row["orders"] if row else 0,
                sales=row["sales"] if row else Decimal("0.00"),
            )
        )
    return points


def orders_latest(*, retailer: Retailer, limit: int = 5) -> list[Order]:
    return list(order_list_for_retailer(retailer=retailer)[:limit])
