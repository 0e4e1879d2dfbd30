"""The order status flow, in one place. Every change writes an OrderEvent."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from storefront.models import Product

from ..models import Order, OrderEvent
from .errors import OrderTransitionError

S = Order.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELED}),
    S.PAID: frozenset({S.SHIPPED, S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.SHIPPED: frozenset({S.REFUNDED, S.PARTIALLY_REFUNDED}),
    # A second partial refund stays partially refunded; part of an order may still ship.
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED, S.SHIPPED}),
    S.REFUNDED: frozenset(),
    S.CANCELED: frozenset(),
}


def order_lock(*, order_id: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_id)


def _stock_release(order: Order) -> None:
    for line in order.lines.order_by("product_id"):
        Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)


@transaction.atomic
def order_transition(
    *,
    order_id: int,
    to_status: str,
    actor: str,
    message: str = "",
    changes: dict | None = None,
) -> Order:
    """Move an order to `to_status` (row-locked). Refused -> OrderTransitionError, nothing changes.

    `changes` are further fields written with the status (gateway ids, tracking...).
    Entering `canceled` releases the reserved stock.
    """
    order = order_lock(order_id=order_id)
    from_status = order.status
    if to_status not in TRANSITIONS[from_status]:
        raise OrderTransitionError(
            number=order.number, from_status=from_status, to_status=to_status
        )
    order.status = to_status
    for field, value in (changes or {}).items():
        setattr(order, field, value)
    order.full_clean()
    order.save()
    if to_status == S.CANCELED:
        _stock_release(order)
    # Commissions follow the order in the same transaction (the ledger is unique per event).
    from retailers.earnings.services import commission_on_order_transition

    commission_on_order_transition(order=order, from_status=from_status, to_status=to_status)
    OrderEvent.objects.create(
        order=order,
        from_status=from_status,
        to_status=to_status,
        message=message[:255],
        actor=actor[:120],
    )
    return order


def order_note(*, order: Order, actor: str, message: str) -> OrderEvent:
    """An event that records something without changing the status."""
    return OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        message=message[:255],
        actor=actor[:120],
    )
