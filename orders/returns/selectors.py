"""Reads for returns: the window, what is still returnable, a shopper's requests."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from orders.models import Order, OrderLine

from .models import ReturnLine, ReturnRequest

RETURNABLE_STATUSES = {Order.Status.SHIPPED, Order.Status.PARTIALLY_REFUNDED}


def return_window_closes(*, order: Order) -> datetime | None:
    """When the order's return window ends (RETURN_WINDOW_DAYS after it shipped)."""
    if order.shipped_at is None:
        return None
    return order.shipped_at + timedelta(days=settings.RETURN_WINDOW_DAYS)


def return_window_open(*, order: Order, now: datetime | None = None) -> bool:
    closes = return_window_closes(order=order)
    return (
        closes is not None
        and order.status in RETURNABLE_STATUSES
        and (now or timezone.now()) <= closes
    )


def returnable_quantities(*, order: Order) -> dict[int, int]:
    """Order line id → how many may still be asked for (bought − asked before, not rejected)."""
    asked = dict(
        ReturnLine.objects.filter(request__order=order)
        .exclude(request__status=ReturnRequest.Status.REJECTED)
        .values_list("order_line_id")
        .annotate(n=Sum("quantity"))
        .values_list("order_line_id", "n")
    )
    return {
        line.pk: line.quantity - asked.get(line.pk, 0)
        for line in OrderLine.objects.filter(order=order)
    }


def returns_for_order(*, order: Order):
    return ReturnRequest.objects.filter(order=order).prefetch_related("lines__order_line")
