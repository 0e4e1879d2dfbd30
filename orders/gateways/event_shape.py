"""Stripe's event JSON, read into a GatewayEvent. Both gateways speak it.

Stripe sends it, and the offline gateway imitates it on purpose (so the demo
exercises the production path). Only the shape is read here: signatures are
each gateway's business, and amounts or states in the body are never trusted.
"""

from __future__ import annotations

import json

from .base import EventKind, GatewayEvent, MalformedEventError

KINDS: dict[str, EventKind] = {
    "checkout.session.completed": EventKind.SESSION_COMPLETED,
    "checkout.session.async_payment_succeeded": EventKind.SESSION_ASYNC_SUCCEEDED,
    "checkout.session.async_payment_failed": EventKind.SESSION_ASYNC_FAILED,
    "checkout.session.expired": EventKind.SESSION_EXPIRED,
    "charge.refunded": EventKind.PAYMENT_REFUNDED,
    "charge.dispute.created": EventKind.PAYMENT_DISPUTED,
    # Connect payouts: the event names its account or transfer by the object's own id.
    "account.updated": EventKind.CONNECT_ACCOUNT_UPDATED,
    "transfer.created": EventKind.TRANSFER_UPDATED,
    "transfer.updated": EventKind.TRANSFER_UPDATED,
    "transfer.reversed": EventKind.TRANSFER_UPDATED,
}
CONNECT_KINDS = {EventKind.CONNECT_ACCOUNT_UPDATED, EventKind.TRANSFER_UPDATED}
SESSION_KINDS = {
    EventKind.SESSION_COMPLETED,
    EventKind.SESSION_ASYNC_SUCCEEDED,
    EventKind.SESSION_ASYNC_FAILED,
    EventKind.SESSION_EXPIRED,
}
MAX_ID_LENGTH = 255


def _short_str(value: object) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_ID_LENGTH or "\x00" in value:
        raise MalformedEventError("bad id")
    return value


def event_from_json(payload: bytes) -> GatewayEvent:
    """Parse a verified body. MalformedEventError if any part we need is missing or wrong."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedEventError("not JSON") from exc
    if not isinstance(data, dict):
        raise MalformedEventError("not an event")
    event_id = _short_str(data.get("id"))
    event_type = data.get("type")
    if not isinstance(event_type, str) or not event_type or len(event_type) > 80:
        raise MalformedEventError("no type")
    kind = KINDS.get(event_type, EventKind.OTHER)
    if kind is EventKind.OTHER:
        return GatewayEvent(id=event_id, kind=kind, type=event_type, object_id="")
    obj = data.get("data")
    obj = obj.get("object") if isinstance(obj, dict) else None
    if not isinstance(obj, dict):
        raise MalformedEventError("no data.object")
    if kind in SESSION_KINDS or kind in CONNECT_KINDS:
        object_id = _short_str(obj.get("id"))
    else:
        # Charges and disputes name their payment (PaymentIntent).
        payment = obj.get("payment_intent")
        if isinstance(payment, dict):
            payment = payment.get("id")
        object_id = _short_str(payment)
    return GatewayEvent(id=event_id, kind=kind, type=event_type, object_id=object_id)
