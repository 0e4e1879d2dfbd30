"""Payment outcomes from the gateway: confirm (paid) or cancel. Idempotent, any order."""

from __future__ import annotations

import logging
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..emails import order_confirmation_enqueue
from ..gateways import GatewaySession, gateway_get
from ..models import Order, OrderLine
from ..totals import allocate
from .money import from_minor, to_minor
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


def _gateway_tax(order: Order, session: GatewaySession) -> Decimal | None:
    """The tax to record: the gateway's own figure when it computed it (Stripe Tax)."""
    if order.tax_engine == "stripe_tax" and session.amount_tax is not None:
        return from_minor(session.amount_tax)
    return None


def _lines_tax_record(order: Order, session: GatewaySession, tax: Decimal) -> None:
    """Per-line tax: as the gateway reports it, else the order's tax in proportion."""
    lines = list(order.lines.order_by("pk"))
    if len(session.line_taxes) == len(lines) and sum(session.line_taxes) == to_minor(tax):
        shares = [from_minor(t) for t in session.line_taxes]
    else:
        shares = allocate(
            tax, [line.line_total - line.discount if line.taxable else Decimal(0) for line in lines]
        )
    for line, share in zip(lines, shares, strict=True):
        if line.tax != share:
            OrderLine.objects.filter(pk=line.pk).update(tax=share)


@transaction.atomic
def order_payment_confirm(*, order_id: int, session: GatewaySession, actor: str) -> Order:
    """Mark the order paid if the (freshly read) session is paid and its amount matches.

    Safe to call any number of times, from the webhook or the success page: only the
    first call on a pending order changes anything (one event, one email). With Stripe
    Tax the amount before tax must match ours, and the tax Stripe computed is recorded
    (the order's total becomes what was charged).
    """
    order = order_lock(order_id=order_id)
    if order.status == Order.Status.CANCELED and session.payment_status == "paid":
        _note_once(
            order,
            actor,
            "Paid after the order was canceled (hold expired or replaced): refund it "
            "in the gateway or fulfil it by hand",
        )
        logger.error("order %s: paid after cancel; staff must refund", order.pk)
        return order
    if order.status != Order.Status.PENDING_PAYMENT:
        return order
    if session.status != "complete" or session.payment_status != "paid":
        return order
    gateway_tax = _gateway_tax(order, session)
    tax = order.tax if gateway_tax is None else gateway_tax
    total = order.subtotal - order.discount + order.shipping + tax
    due = total - order.giftcard_amount  # the gift card paid the rest (a ledger hold)
    if session.amount_total != to_minor(due) or session.currency != order.currency.lower():
        _note_once(
            order,
            actor,
            f"Amount mismatch: gateway {session.amount_total} {session.currency}, "
            f"order {to_minor(due)} {order.currency.lower()}; not marked paid",
        )
        logger.warning("order %s: gateway amount mismatch; left pending", order.pk)
        return order
    if tax != order.tax:
        _lines_tax_record(order, session, tax)
    order = order_transition(
        order_id=order.pk,
        to_status=Order.Status.PAID,
        actor=actor,
        message="Payment received"
        + (f"; tax {tax:.2f} as computed by the gateway" if gateway_tax is not None else ""),
        changes={
            "payment_intent_id": session.payment_intent_id,
            "checkout_session_id": session.id,
            "paid_at": timezone.now(),
            "tax": tax,
            "total": total,
        },
    )
    order_confirmation_enqueue(order=order)
    return order


@transaction.atomic
def order_paid_by_giftcard(*, order_id: int) -> Order:
    """A pending order its gift card / store credit pays in full: paid now, no gateway.

    Its `checkout_session_id` is a fresh random reference (`gc_…`), so the success page
    finds it the way it finds a gateway-paid order, and nobody can guess it.
    """
    order = order_lock(order_id=order_id)
    if order.status != Order.Status.PENDING_PAYMENT or order.amount_due > 0:
        return order
    order = order_transition(
        order_id=order.pk,
        to_status=Order.Status.PAID,
        actor="gift card",
        message=f"Paid in full by gift card / store credit ({order.giftcard_amount:.2f})",
        changes={
            "checkout_session_id": f"gc_{secrets.token_urlsafe(24)}",
            "gateway": "",
            "paid_at": timezone.now(),
        },
    )
    order_confirmation_enqueue(order=order)
    return order


def _note_once(order: Order, actor: str, message: str) -> None:
    prefix = message.split(":", 1)[0]
    if not order.events.filter(message__startswith=prefix).exists():
        order_note(order=order, actor=actor, message=message)


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
