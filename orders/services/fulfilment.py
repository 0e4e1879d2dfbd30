"""After payment: shipping and refunds."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..emails import order_refund_enqueue, order_shipped_enqueue
from ..gateways import GatewayError, gateway_get
from ..hooks import giftcard_payment
from ..models import Order
from ..totals import refund_tax_part
from .errors import RefundError
from .money import from_minor, to_minor
from .transitions import order_lock, order_transition

REFUNDABLE = {Order.Status.PAID, Order.Status.SHIPPED, Order.Status.PARTIALLY_REFUNDED}


@transaction.atomic
def order_ship(*, order_id: int, carrier: str, tracking_number: str, actor: str) -> Order:
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier or not tracking_number:
        raise ValueError("carrier and tracking number are required")
    order = order_transition(
        order_id=order_id,
        to_status=Order.Status.SHIPPED,
        actor=actor,
        message=f"Shipped with {carrier}, tracking {tracking_number}",
        changes={
            "carrier": carrier,
            "tracking_number": tracking_number,
            "shipped_at": timezone.now(),
        },
    )
    order_shipped_enqueue(order=order)
    return order


@transaction.atomic
def order_refund_record(
    *,
    order_id: int,
    refunded_total: Decimal,
    actor: str,
    giftcard_refunded: Decimal | None = None,
    from_gateway: bool = False,
) -> Order:
    """Record that `refunded_total` has been refunded in all (idempotent).

    Used by the refund action and by `charge.refunded`: a total we already know
    changes nothing, so a replayed or late event is harmless. `from_gateway`: the
    figure is the gateway's own (its part only); the gift-card part already given back
    to the cards is added to it. `giftcard_refunded`: the new cumulative card part.
    """
    order = order_lock(order_id=order_id)
    if from_gateway:
        refunded_total += order.giftcard_refunded
    if refunded_total <= order.refunded_amount:
        return order
    if order.status not in REFUNDABLE:
        raise RefundError(f"Order {order.number} is {order.get_status_display().lower()}.")
    amount = refunded_total - order.refunded_amount
    to_status = (
        Order.Status.REFUNDED if refunded_total >= order.total else Order.Status.PARTIALLY_REFUNDED
    )
    order = order_transition(
        order_id=order.pk,
        to_status=to_status,
        actor=actor,
        message=f"Refunded {amount:.2f} {order.currency} (total refunded {refunded_total:.2f})",
        changes={
            "refunded_amount": min(refunded_total, order.total),
            # Refunds split tax in proportion (rounding rule in orders/totals.py).
            "refunded_tax": refund_tax_part(
                tax=order.tax, total=order.total, refunded_total=min(refunded_total, order.total)
            ),
            **({} if giftcard_refunded is None else {"giftcard_refunded": giftcard_refunded}),
        },
    )
    order_refund_enqueue(order=order, amount=amount)
    return order


@transaction.atomic
def order_refund(*, order_id: int, amount: Decimal | None, actor: str) -> Order:
    """Refund through the gateway: everything left (amount=None) or part of it.

    The order row stays locked during the gateway call so two staff members cannot
    refund the same money twice; the idempotency key makes a retried call safe.

    An order partly paid by gift card: each refund is split in proportion to how it
    was paid (cumulative, half-up to the cent, the same rule as the tax part, so a full
    refund returns exactly the card part). The card part goes back to the cards as a
    ledger entry (orders/giftcards, through `orders.hooks`); the rest through the gateway.
    """
    order = order_lock(order_id=order_id)
    if order.status not in REFUNDABLE:
        raise RefundError(
            f"Order {order.number} is {order.get_status_display().lower()}; nothing to refund."
        )
    remaining = order.total - order.refunded_amount
    amount = remaining if amount is None else amount
    if amount <= 0 or amount > remaining:
        raise RefundError(f"The refund must be more than 0.00 and at most {remaining:.2f}.")
    card_total = refund_tax_part(
        tax=order.giftcard_amount, total=order.total, refunded_total=order.refunded_amount + amount
    )
    card_part = max(Decimal("0.00"), card_total - order.giftcard_refunded)
    gateway_part = amount - card_part
    if gateway_part > 0 and not order.payment_intent_id:
        raise RefundError(f"Order {order.number} has no payment to refund.")
    refunded = Decimal("0.00")
    if gateway_part > 0:
        try:
            refund = gateway_get().refund_create(
                payment_intent_id=order.payment_intent_id,
                amount=to_minor(gateway_part),
                idempotency_key=(
                    f"order-{order.pk}-refund-{to_minor(order.refunded_amount)}"
                    f"-{to_minor(gateway_part)}"
                ),
                metadata={"order_id": str(order.pk), "order_number": order.number},
            )
        except GatewayError as exc:
            raise RefundError("The payment gateway refused the refund; nothing changed.") from exc
        refunded = from_minor(refund.amount)
    if card_part > 0:
        handler = giftcard_payment()
        if handler is None:  # pragma: no cover - the gift-card app is installed
            raise RefundError("Gift cards are not installed; nothing changed.")
        handler.refund(order=order, amount=card_part, actor=actor)
    return order_refund_record(
        order_id=order.pk,
        refunded_total=order.refunded_amount + refunded + card_part,
        actor=actor,
        giftcard_refunded=order.giftcard_refunded + card_part,
    )
