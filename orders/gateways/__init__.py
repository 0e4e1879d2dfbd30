"""Payment gateways: Stripe Checkout in production, the offline gateway otherwise."""

from __future__ import annotations

from django.conf import settings

from .base import (
    CheckoutRequest,
    GatewayError,
    GatewayRefund,
    GatewaySession,
    LineItem,
    PaymentGateway,
    SignatureError,
)

__all__ = [
    "CheckoutRequest",
    "GatewayError",
    "GatewayRefund",
    "GatewaySession",
    "LineItem",
    "PaymentGateway",
    "SignatureError",
    "gateway_get",
]


def gateway_get() -> PaymentGateway:
    """Stripe when STRIPE_SECRET_KEY is set, else the offline gateway."""
    if settings.STRIPE_SECRET_KEY:
        from .stripe import StripeGateway

        return StripeGateway.from_settings()
    from .offline import OfflineGateway

    return OfflineGateway()
