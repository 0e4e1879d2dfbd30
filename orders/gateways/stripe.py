"""Stripe Checkout: the only module in the project that imports `stripe`."""

from __future__ import annotations

import time
from collections.abc import Mapping

import stripe
from django.conf import settings

from .base import (
    CheckoutRequest,
    GatewayError,
    GatewayEvent,
    GatewayNotFoundError,
    GatewayPayment,
    GatewayRefund,
    GatewaySession,
    PaymentGateway,
    SignatureError,
)
from .event_shape import event_from_json
from .signing import SIGNATURE_TOLERANCE_SECONDS

HTTP_TIMEOUT_SECONDS = 20
# Unpaid sessions expire after an hour (Stripe allows 30 min to 24 h); the
# `checkout.session.expired` event then cancels the order and releases its stock.
SESSION_LIFETIME_SECONDS = 60 * 60


def _gateway_error(exc: stripe.StripeError) -> GatewayError:
    if isinstance(exc, stripe.InvalidRequestError) and exc.http_status == 404:
        return GatewayNotFoundError(f"stripe: {type(exc).__name__}")
    return GatewayError(f"stripe: {type(exc).__name__}")


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

    def webhook_event_parse(self, *, payload: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        if not self._webhook_secret:
            raise SignatureError("no webhook secret configured")
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"),
                headers.get("Stripe-Signature"),
                self._webhook_secret,
                tolerance=SIGNATURE_TOLERANCE_SECONDS,
            )
        except (stripe.SignatureVerificationError, UnicodeDecodeError, AttributeError) as exc:
            raise SignatureError(type(exc).__name__) from exc
        return event_from_json(payload)

    def payment_retrieve(self, payment_id: str) -> GatewayPayment:
        try:
            intent = self.client.v1.payment_intents.retrieve(
                payment_id, {"expand": ["latest_charge"]}
            )
        except stripe.StripeError as exc:
            raise _gateway_error(exc) from exc
        data = intent.to_dict()
        charge = data.get("latest_charge") or {}
        if not isinstance(charge, dict):
            charge = {}
        return GatewayPayment(
            id=data["id"],
            amount=int(charge.get("amount") or data.get("amount_received") or 0),
            amount_refunded=int(charge.get("amount_refunded") or 0),
            currency=(data.get("currency") or "").lower(),
            disputed=bool(charge.get("disputed")),
        )

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
            raise _gateway_error(exc) from exc
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
