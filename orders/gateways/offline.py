"""The offline gateway: Stripe Checkout's flow without Stripe (development, demos, tests).

It keeps its sessions in `OfflineCheckoutSession`, serves a hosted payment page on
the company host (`/offline-gateway/pay/<session_id>/`, see `offline_views.py`),
and delivers events to our webhook exactly as Stripe would: the same payload shape,
signed with the same `Stripe-Signature` scheme (OFFLINE_GATEWAY_WEBHOOK_SECRET).
Delivery is in-process, through the same entry point the webhook view calls.
"""

from __future__ import annotations

import json
import logging
import secrets
import time

from django.conf import settings
from django.db import transaction

from shopsocial.urls_util import company_reverse

from ..models import OfflineCheckoutSession
from .base import (
    CheckoutRequest,
    GatewayError,
    GatewayRefund,
    GatewaySession,
    PaymentGateway,
)
from .stripe import webhook_signature_header

logger = logging.getLogger(__name__)

API_VERSION = "2025-offline"


def _new_id(prefix: str) -> str:
    return f"{prefix}_offline_{secrets.token_hex(12)}"


def offline_session_object(session: OfflineCheckoutSession) -> dict:
    """The session as Stripe's API would show it (a `checkout.session` object)."""
    return {
        "id": session.session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": session.status,
        "payment_status": session.payment_status,
        "amount_total": session.amount_total,
        "currency": session.currency,
        "payment_intent": session.payment_intent_id or None,
        "client_reference_id": session.metadata.get("order_number"),
        "metadata": session.metadata,
        "success_url": session.success_url,
        "cancel_url": session.cancel_url,
        "url": company_reverse("orders:offline-gateway-pay", session.session_id)
        if session.status == OfflineCheckoutSession.Status.OPEN
        else None,
        "livemode": False,
    }


def offline_charge_object(session: OfflineCheckoutSession) -> dict:
    return {
        "id": "ch_" + session.payment_intent_id.removeprefix("pi_"),
        "object": "charge",
        "amount": session.amount_total,
        "amount_refunded": session.amount_refunded,
        "currency": session.currency,
        "payment_intent": session.payment_intent_id,
        "refunded": session.amount_refunded >= session.amount_total,
        "metadata": {},
        "livemode": False,
    }


def offline_event_build(*, event_type: str, data_object: dict) -> dict:
    return {
        "id": _new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "type": event_type,
        "livemode": False,
        "pending_webhooks": 1,
        "data": {"object": data_object},
    }


def offline_event_deliver(*, event: dict) -> None:
    """Sign the event with Stripe's scheme and hand it to our webhook entry point."""
    from ..webhooks import webhook_receive

    payload = json.dumps(event)
    header = webhook_signature_header(
        payload=payload, secret=settings.OFFLINE_GATEWAY_WEBHOOK_SECRET
    )
    try:
        webhook_receive(payload=payload.encode(), signature=header)
    except Exception:
        # Stripe would retry; the success page and the shopper's return reconcile too.
        logger.exception("offline gateway: delivery of %s failed", event["type"])


def _session(session: OfflineCheckoutSession) -> GatewaySession:
    obj = offline_session_object(session)
    return GatewaySession(
        id=session.session_id,
        url=obj["url"] or "",
        status=session.status,
        payment_status=session.payment_status,
        amount_total=session.amount_total,
        currency=session.currency,
        payment_intent_id=session.payment_intent_id,
        metadata=dict(session.metadata),
    )


class OfflineGateway(PaymentGateway):
    name = "offline"

    @property
    def webhook_secret(self) -> str:
        return settings.OFFLINE_GATEWAY_WEBHOOK_SECRET

    def checkout_session_create(self, request: CheckoutRequest) -> GatewaySession:
        session_id = _new_id("cs")
        # Same idempotency key, same session (as Stripe answers a retried request).
        session, _ = OfflineCheckoutSession.objects.get_or_create(
            idempotency_key=request.idempotency_key,
            defaults={
                "session_id": session_id,
                "amount_total": request.amount_total,
                "currency": request.currency,
                "line_items": [
                    {
                        "name": i.name,
                        "sku": i.sku,
                        "unit_amount": i.unit_amount,
                        "quantity": i.quantity,
                    }
                    for i in request.line_items
                ]
                + [
                    {
                        "name": "Shipping",
                        "sku": "",
                        "unit_amount": request.shipping_amount,
                        "quantity": 1,
                    }
                ],
                "metadata": request.metadata,
                "success_url": request.success_url.replace("{CHECKOUT_SESSION_ID}", session_id),
                "cancel_url": request.cancel_url,
            },
        )
        return _session(session)

    def checkout_session_retrieve(self, session_id: str) -> GatewaySession:
        session = OfflineCheckoutSession.objects.filter(session_id=session_id).first()
        if session is None:
            raise GatewayError("offline: no such session")
        return _session(session)

    def refund_create(
        self, *, payment_intent_id: str, amount: int, idempotency_key: str, metadata: dict
    ) -> GatewayRefund:
        with transaction.atomic():
            session = (
                OfflineCheckoutSession.objects.select_for_update()
                .filter(payment_intent_id=payment_intent_id)
                .first()
            )
            if session is None or not payment_intent_id:
                raise GatewayError("offline: no such payment")
            for refund in session.refunds:
                if refund["idempotency_key"] == idempotency_key:
                    return GatewayRefund(
                        id=refund["id"], amount=refund["amount"], status="succeeded"
                    )
            if amount <= 0 or session.amount_refunded + amount > session.amount_total:
                raise GatewayError("offline: refund exceeds the charge")
            refund = {"id": _new_id("re"), "amount": amount, "idempotency_key": idempotency_key}
            session.refunds = [*session.refunds, refund]
            session.amount_refunded += amount
            session.save(update_fields=["refunds", "amount_refunded"])
            event = offline_event_build(
                event_type="charge.refunded", data_object=offline_charge_object(session)
            )
            transaction.on_commit(lambda: offline_event_deliver(event=event))
        return GatewayRefund(id=refund["id"], amount=amount, status="succeeded")


def offline_session_for_page(*, session_id: str) -> OfflineCheckoutSession | None:
    return OfflineCheckoutSession.objects.filter(session_id=session_id).first()


def offline_session_settle(*, session_id: str, pay: bool) -> OfflineCheckoutSession | None:
    """The shopper pressed Pay or Decline on the hosted page.

    Pay completes the session (paid) and sends `checkout.session.completed`;
    Decline expires it and sends `checkout.session.expired`. A session that is no
    longer open is returned unchanged and nothing is sent again.
    """
    with transaction.atomic():
        session = (
            OfflineCheckoutSession.objects.select_for_update().filter(session_id=session_id).first()
        )
        if session is None or session.status != OfflineCheckoutSession.Status.OPEN:
            return session
        if pay:
            session.status = OfflineCheckoutSession.Status.COMPLETE
            session.payment_status = OfflineCheckoutSession.PaymentStatus.PAID
            session.payment_intent_id = _new_id("pi")
            event_type = "checkout.session.completed"
        else:
            session.status = OfflineCheckoutSession.Status.EXPIRED
            event_type = "checkout.session.expired"
        session.save(update_fields=["status", "payment_status", "payment_intent_id"])
        event = offline_event_build(
            event_type=event_type, data_object=offline_session_object(session)
        )
        transaction.on_commit(lambda: offline_event_deliver(event=event))
    return session


def offline_sessions_expire(*, older_than_seconds: int) -> int:
    """Expire open sessions past their lifetime, as Stripe does (sends `...expired`)."""
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        OfflineCheckoutSession.objects.filter(
            status=OfflineCheckoutSession.Status.OPEN, created_at__lte=cutoff
        ).values_list("session_id", flat=True)[:500]
    )
    for session_id in ids:
        offline_session_settle(session_id=session_id, pay=False)
    return len(ids)
