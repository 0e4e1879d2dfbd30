"""Gateway webhooks: verify, record each event once, dispatch through a handler table.

Stripe (and the offline gateway) deliver events more than once and out of order.
Each handler re-reads the current state from the gateway and applies it through
an idempotent service; the event id is recorded under a unique constraint in the
same transaction as the effect, so a replay changes nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .gateways import GatewaySession, gateway_get
from .gateways.stripe import webhook_payload_verify
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


def _prepare_session(event: dict) -> Prepared:
    session_id = event["data"]["object"]["id"]
    session = gateway_get().checkout_session_retrieve(session_id)
    return Prepared(order=order_for_session(session), session=session)


def _prepare_charge(event: dict) -> Prepared:
    payment_intent = event["data"]["object"].get("payment_intent") or ""
    order = (
        Order.objects.filter(payment_intent_id=payment_intent).first() if payment_intent else None
    )
    return Prepared(order=order)


def _on_session_paid(event: dict, prepared: Prepared) -> None:
    # Fulfil only when paid: a delayed method completes "unpaid" and succeeds later.
    order_payment_confirm(
        order_id=prepared.order.pk, session=prepared.session, actor=f"gateway:{event['id']}"
    )


def _on_async_failed(event: dict, prepared: Prepared) -> None:
    if prepared.session.payment_status != "paid":
        order_payment_cancel(
            order_id=prepared.order.pk, actor=f"gateway:{event['id']}", reason="Payment failed"
        )


def _on_session_expired(event: dict, prepared: Prepared) -> None:
    # Act on the session as it is now: one that completed is never canceled.
    if prepared.session.status == "expired":
        order_payment_cancel(
            order_id=prepared.order.pk,
            actor=f"gateway:{event['id']}",
            reason="Payment session expired",
        )


def _on_charge_refunded(event: dict, prepared: Prepared) -> None:
    charge = event["data"]["object"]
    try:
        order_refund_record(
            order_id=prepared.order.pk,
            refunded_total=from_minor(int(charge.get("amount_refunded") or 0)),
            actor=f"gateway:{event['id']}",
        )
    except RefundError:
        # e.g. a refund made in the gateway's dashboard for an order we never saw
        # paid: keep the event for staff instead of failing the delivery forever.
        order_note(
            order=prepared.order,
            actor=f"gateway:{event['id']}",
            message="Gateway reports a refund the order's status does not allow; check it",
        )


@dataclass(frozen=True)
class Handler:
    prepare: Callable[[dict], Prepared]
    apply: Callable[[dict, Prepared], None]


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": Handler(_prepare_session, _on_session_paid),
    "checkout.session.async_payment_succeeded": Handler(_prepare_session, _on_session_paid),
    "checkout.session.async_payment_failed": Handler(_prepare_session, _on_async_failed),
    "checkout.session.expired": Handler(_prepare_session, _on_session_expired),
    "charge.refunded": Handler(_prepare_charge, _on_charge_refunded),
}


class Outcome:
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


def webhook_receive(*, payload: bytes, signature: str | None) -> str:
    """Verify the raw body (SignatureError if bad), then process the event once."""
    event = webhook_payload_verify(
        payload=payload, header=signature, secret=gateway_get().webhook_secret
    )
    handler = HANDLERS.get(event["type"])
    if handler is None:
        return Outcome.IGNORED
    if WebhookEvent.objects.filter(event_id=event["id"]).exists():
        return Outcome.DUPLICATE
    prepared = handler.prepare(event)
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    event_id=event["id"], type=event["type"], order=prepared.order
                )
        except IntegrityError:
            return Outcome.DUPLICATE
        if prepared.order is None:
            logger.info("webhook %s %s: no matching order", event["type"], event["id"])
            return Outcome.IGNORED
        handler.apply(event, prepared)
    return Outcome.PROCESSED
