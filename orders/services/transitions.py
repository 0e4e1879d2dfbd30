"""The order status flow, in one place. Every change writes an OrderEvent."""

from __future__ import annotations

from django.db import transaction

from ..discounts.services import discount_redeem, discount_release
from ..hooks import order_transition_hooks_run
from ..models import Order, OrderEvent
from .errors import OrderTransitionError
from .stock import stock_release

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
    quantities: dict[int, int] = {}
    for variant_id, quantity in order.lines.values_list("variant_id", "quantity"):
        if variant_id is not None:
            quantities[variant_id] = quantities.get(variant_id, 0) + quantity
    stock_release(quantities=quantities)


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
    Entering `canceled` releases the held stock and the discount code's use; entering
    `paid` redeems the code (a code is used only when payment succeeds).
    """
    order = order_lock(order_id=order_id)
    from_status = order.status
    if to_status not in TRANSITIONS[from_status]:
        raise OrderTransitionError(
            number=order.number, from_status=from_status, to_status=to_status
        )
    order.status = to_status
    if to_status != S.PENDING_PAYMENT:
        order.hold_expires_at = None  # paid: the stock is sold; canceled: released
    for field, value in (changes or {}).items():
        setattr(order, field, value)
    # Validate what this transition writes. The money and helper rules are database
    # constraints (checked on save); running them here too would cost a query each.
    written = {"status", "hold_expires_at", *(changes or {})}
    order.full_clean(
        exclude=[f.name for f in Order._meta.fields if f.name not in written],
        validate_unique=False,
        validate_constraints=False,
    )
    order.save()
    if to_status == S.CANCELED:
        _stock_release(order)
        discount_release(order_id=order.pk)
    elif to_status == S.PAID:
        discount_redeem(order_id=order.pk)
    # What other apps do on a status change (earnings: commissions follow the order in the
    # same transaction) runs through the hooks they register; orders imports none of them.
    order_transition_hooks_run(order=order, from_status=from_status, to_status=to_status)
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
