"""Payment outcomes from the gateway: confirm (paid) or cancel. Idempotent, any order."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from ..emails import order_confirmation_enqueue
from ..gateways import GatewaySession, gateway_get
from ..models import Order
from .money import to_minor
from .transitions import order_lock, order_note, order_transition

logger = logging.getLogger(__name__)


def order_for_session(session: GatewaySession) -> Order | None:
    """The order a gateway session belongs to: metadata order id, same session id."""
    order_id = session.metadata.get("order_id", "")
    if not order_id.isdigit():
        return Order.objects.filter(checkout_session_id=session.id).first()
    order = Order.objects.filter(pk=int(order_id)).first()
    if order is None or (order.checkout_session_id and order.checkout_session_id != session.id):
        return None
    return order


@transaction.atomic
def order_payment_confirm(*, order_id: int, session: GatewaySession, actor: str) -> Order:
    """Mark the order paid if the (freshly read) session is paid and its amount matches.

    Safe to call any number of times, from the webhook or the success page: only the
    first call on a pending order changes anything (one event, one email).
    """
    order = order_lock(order_id=order_id)
    if order.status != Order.Status.PENDING_PAYMENT:
        return order
    if session.status != "complete" or session.payment_status != "paid":
        return order
    if session.amount_total != to_minor(order.total) or session.currency != order.currency.lower():
        if not order.events.filter(message__startswith="Amount mismatch").exists():
            order_note(
                order=order,
                actor=actor,
                message=(
                    f"Amount mismatch: gateway {session.amount_total} {session.currency}, "
                    f"order {to_minor(order.total)} {order.currency.lower()}; not marked paid"
                ),
            )
        logger.warning("order %s: gateway amount mismatch; left pending", order.pk)
        return order
    order = order_transition(
        order_id=order.pk,
        to_status=Order.Status.PAID,
        actor=actor,
        message="Payment received",
        changes={
            "payment_intent_id": session.payment_intent_id,
            "checkout_session_id": session.id,
            "paid_at": timezone.now(),
        },
    )
    order_confirmation_enqueue(order=order)
    return order


@transaction.atomic
def order_payment_cancel(*, order_id: int, actor: str, reason: str) -> Order:
    """Cancel a still-unpaid order and release its stock; a no-op on any other status."""
    order = order_lock(order_id=order_id)
    if order.status != Order.Status.PENDING_PAYMENT:
        return order
    return order_transition(
        order_id=order.pk, to_status=Order.Status.CANCELED, actor=actor, message=reason
    )


def order_payment_sync(*, order: Order, actor: str = "success page") -> Order:
    """Re-read the order's session from the gateway and apply it (the success page)."""
    if order.status != Order.Status.PENDING_PAYMENT or not order.checkout_session_id:
        return order
    session = gateway_get().checkout_session_retrieve(order.checkout_session_id)
    return order_payment_confirm(order_id=order.pk, session=session, actor=actor)
