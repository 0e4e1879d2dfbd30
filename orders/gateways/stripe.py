"""Stripe Checkout: the only module in the project that imports `stripe`.

Also home of the webhook signature helpers (Stripe's `t=...,v1=...` scheme) that
the offline gateway uses to sign its events exactly as Stripe would.
"""

from __future__ import annotations

import json
import time

import stripe
from django.conf import settings

from .base import (
    CheckoutRequest,
    GatewayError,
    GatewayRefund,
    GatewaySession,
    PaymentGateway,
    SignatureError,
)

# Stripe's own default: events older than five minutes are refused (replays).
SIGNATURE_TOLERANCE_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 20
# Unpaid sessions expire after an hour (Stripe allows 30 min to 24 h); the
# `checkout.session.expired` event then cancels the order and releases its stock.
SESSION_LIFETIME_SECONDS = 60 * 60


def webhook_signature_header(*, payload: str, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header value for a body (used by the offline gateway)."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def webhook_payload_verify(*, payload: bytes, header: str | None, secret: str) -> dict:
    """Verify the signature on the raw body, then parse it. Raises SignatureError."""
    try:
        stripe.WebhookSignature.verify_header(
            payload, header, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as exc:
        raise SignatureError(type(exc).__name__) from exc
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise SignatureError("not an event")
    return event


def _session_from_stripe(data: dict) -> GatewaySession:
    payment_intent = data.get("payment_intent") or ""
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id", "")
    return GatewaySession(
        id=data["id"],
        url=data.get("url") or "",
        status=data.get("status") or "",
        payment_status=data.get("payment_status") or "",
        amount_total=int(data.get("amount_total") or 0),
        currency=(data.get("currency") or "").lower(),
        payment_intent_id=payment_intent,
        metadata=dict(data.get("metadata") or {}),
    )


class StripeGateway(PaymentGateway):
    name = "stripe"

    def __init__(
        self,
        *,
        secret_key: str,
        webhook_secret: str,
        http_client: stripe.HTTPClient | None = None,
    ) -> None:
        self._webhook_secret = webhook_secret
        self.client = stripe.StripeClient(
            secret_key,
            http_client=http_client or self.default_http_client(),
            max_network_retries=2,
        )

    @staticmethod
    def default_http_client() -> stripe.HTTPClient:
        """Every outbound call has a timeout (tests replace this with a fake client)."""
        return stripe.RequestsClient(timeout=HTTP_TIMEOUT_SECONDS)

    @classmethod
    def from_settings(cls, *, http_client: stripe.HTTPClient | None = None) -> StripeGateway:
        return cls(
            secret_key=settings.STRIPE_SECRET_KEY,
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
            http_client=http_client,
        )

    @property
    def webhook_secret(self) -> str:
        return self._webhook_secret

    def checkout_session_create(self, request: CheckoutRequest) -> GatewaySession:
        params = {
            "mode": "payment",
            "client_reference_id": request.order_number,
            "customer_email": request.customer_email,
            "line_items": [
                {
                    "price_data": {
                        "currency": request.currency,
                        "unit_amount": item.unit_amount,
                        "product_data": {"name": item.name, "metadata": {"sku": item.sku}},
                    },
                    "quantity": item.quantity,
                }
                for item in request.line_items
            ],
            "shipping_options": [
                {
                    "shipping_rate_data": {
                        "type": "fixed_amount",
                        "display_name": "Shipping",
                        "fixed_amount": {
                            "amount": request.shipping_amount,
                            "currency": request.currency,
                        },
                    }
                }
            ],
            "metadata": request.metadata,
            "payment_intent_data": {"metadata": request.metadata},
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "expires_at": int(time.time()) + SESSION_LIFETIME_SECONDS,
        }
        try:
            session = self.client.v1.checkout.sessions.create(
                params, {"idempotency_key": request.idempotency_key}
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"stripe: {type(exc).__name__}") from exc
        return _session_from_stripe(session.to_dict())

    def checkout_session_retrieve(self, session_id: str) -> GatewaySession:
        try:
            session = self.client.v1.checkout.sessions.retrieve(session_id)
        except stripe.StripeError as exc:
            raise GatewayError(f"stripe: {type(exc).__name__}") from exc
        return _session_from_stripe(session.to_dict())

    def refund_create(
        self, *, payment_intent_id: str, amount: int, idempotency_key: str, metadata: dict
    ) -> GatewayRefund:
        try:
            refund = self.client.v1.refunds.create(
                {"payment_intent": payment_intent_id, "amount": amount, "metadata": metadata},
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"stripe: {type(exc).__name__}") from exc
        data = refund.to_dict()
        return GatewayRefund(id=data["id"], amount=int(data["amount"]), status=data["status"])
