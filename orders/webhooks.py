"""Gateway webhooks: the gateway verifies and parses, we record each event once and dispatch.

`webhook_receive` is the one entry point: the webhook view calls it with the raw
body and headers of an HTTP delivery, the offline gateway calls it (injected as its
event sink, see `orders.apps`) with the same. The gateway in use turns the delivery
into a `GatewayEvent` (or refuses it: SignatureError, MalformedEventError -> 400).

Nothing in an event body is trusted but the id of the object it is about: every
handler reads that object back from the gateway (the session, or the payment for
refunds and disputes) and applies its *current* state through an idempotent
service. The event id is recorded under a unique constraint in the same
transaction as the effect, so a replay changes nothing twice. An event about an
object we do not know is recorded and acknowledged (2xx), never retried forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .gateways import (
    EventKind,
    GatewayEvent,
    GatewayNotFoundError,
    GatewayPayment,
    GatewaySession,
    PaymentGateway,
    gateway_get,
)
from .gateways.event_shape import CONNECT_KINDS
from .hooks import payout_event_handler
from .models import Order, WebhookEvent
from .services import (
    RefundError,
    order_payment_cancel,
    order_payment_confirm,
    order_refund_record,
)
from .services.money import from_minor
from .services.payment import order_for_session
from .services.transitions import order_note

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """What a handler read before the transaction (gateway calls never hold locks)."""

    order: Order | None
    session: GatewaySession | None = None
    payment: GatewayPayment | None = None


def _prepare_session(gateway: PaymentGateway, event: GatewayEvent) -> Prepared:
    try:
        session = gateway.checkout_session_retrieve(event.object_id)
    except GatewayNotFoundError:
        return Prepared(order=None)
    return Prepared(order=order_for_session(session), session=session)


def _prepare_payment(gateway: PaymentGateway, event: GatewayEvent) -> Prepared:
    order = Order.objects.filter(payment_intent_id=event.object_id).first()
    if order is None:
        return Prepared(order=None)  # not ours: nothing to read back
    try:
        payment = gateway.payment_retrieve(event.object_id)
    except GatewayNotFoundError:
        return Prepared(order=order)
    return Prepared(order=order, payment=payment)


def _actor(event: GatewayEvent) -> str:
    return f"gateway:{event.id}"


def _on_session_paid(event: GatewayEvent, prepared: Prepared) -> None:
    # Fulfil only when paid: a delayed method completes "unpaid" and succeeds later.
    order_payment_confirm(order_id=prepared.order.pk, session=prepared.session, actor=_actor(event))


def _on_async_failed(event: GatewayEvent, prepared: Prepared) -> None:
    if prepared.session.payment_status != "paid":
        order_payment_cancel(
            order_id=prepared.order.pk, actor=_actor(event), reason="Payment failed"
        )


def _on_session_expired(event: GatewayEvent, prepared: Prepared) -> None:
    # Act on the session as it is now: one that completed is never canceled.
    if prepared.session.status == "expired":
        order_payment_cancel(
            order_id=prepared.order.pk, actor=_actor(event), reason="Payment session expired"
        )


def _on_payment_refunded(event: GatewayEvent, prepared: Prepared) -> None:
    if prepared.payment is None:
        order_note(
            order=prepared.order,
            actor=_actor(event),
            message="Refund event for a payment the gateway does not know; check it",
        )
        return
    try:
        order_refund_record(
            order_id=prepared.order.pk,
            refunded_total=from_minor(prepared.payment.amount_refunded),
            actor=_actor(event),
            from_gateway=True,
        )
    except RefundError:
        # e.g. a refund made in the gateway's dashboard for an order we never saw
        # paid: keep the event for staff instead of failing the delivery forever.
        order_note(
            order=prepared.order,
            actor=_actor(event),
            message="Gateway reports a refund the order's status does not allow; check it",
        )


def _on_payment_disputed(event: GatewayEvent, prepared: Prepared) -> None:
    if prepared.payment is None or not prepared.payment.disputed:
        logger.info("webhook %s: dispute not confirmed by the gateway", event.id)
        return
    order_note(
        order=prepared.order,
        actor=_actor(event),
        message="Payment disputed by the card holder; answer it in the gateway's dashboard",
    )


@dataclass(frozen=True)
class Handler:
    prepare: Callable[[PaymentGateway, GatewayEvent], Prepared]
    apply: Callable[[GatewayEvent, Prepared], None]


HANDLERS: dict[EventKind, Handler] = {
    EventKind.SESSION_COMPLETED: Handler(_prepare_session, _on_session_paid),
    EventKind.SESSION_ASYNC_SUCCEEDED: Handler(_prepare_session, _on_session_paid),
    EventKind.SESSION_ASYNC_FAILED: Handler(_prepare_session, _on_async_failed),
    EventKind.SESSION_EXPIRED: Handler(_prepare_session, _on_session_expired),
    EventKind.PAYMENT_REFUNDED: Handler(_prepare_payment, _on_payment_refunded),
    EventKind.PAYMENT_DISPUTED: Handler(_prepare_payment, _on_payment_disputed),
}


class Outcome:
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"  # a type we do not handle: not recorded
    UNKNOWN_OBJECT = "unknown_object"  # about something we don't know: recorded


def webhook_receive(*, payload: bytes, headers: Mapping[str, str]) -> str:
    """Have the gateway verify and parse the raw delivery, then process the event once.

    Raises SignatureError / MalformedEventError (refuse with 400) and GatewayError
    (the gateway could not be read back: answer 503 so it is delivered again).
    """
    gateway = gateway_get()
    event = gateway.webhook_event_parse(payload=payload, headers=headers)
    if event.kind in CONNECT_KINDS:
        return _payout_event_receive(gateway, event)
    handler = HANDLERS.get(event.kind)
    if handler is None:
        return Outcome.IGNORED
    if WebhookEvent.objects.filter(event_id=event.id).exists():
        return Outcome.DUPLICATE
    prepared = handler.prepare(gateway, event)
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    event_id=event.id, type=event.type, order=prepared.order
                )
        except IntegrityError:
            return Outcome.DUPLICATE
        if prepared.order is None:
            logger.info("webhook %s %s: no matching order; recorded", event.type, event.id)
            return Outcome.UNKNOWN_OBJECT
        handler.apply(event, prepared)
    return Outcome.PROCESSED


def _payout_event_receive(gateway: PaymentGateway, event: GatewayEvent) -> str:
    """Connect payouts (issue 26): recorded once like any event, applied by earnings."""
    handler = payout_event_handler()
    if handler is None:
        return Outcome.IGNORED
    if WebhookEvent.objects.filter(event_id=event.id).exists():
        return Outcome.DUPLICATE
    prepared = handler.prepare(gateway=gateway, event=event)
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(event_id=event.id, type=event.type)
        except IntegrityError:
            return Outcome.DUPLICATE
        if not handler.apply(event=event, prepared=prepared):
            logger.info("webhook %s %s: no matching payout; recorded", event.type, event.id)
            return Outcome.UNKNOWN_OBJECT
    return Outcome.PROCESSED


def offline_event_sink(payload: bytes, headers: Mapping[str, str]) -> str:
    """What the offline gateway is given to deliver its events to (see `orders.apps`)."""
    return webhook_receive(payload=payload, headers=headers)
