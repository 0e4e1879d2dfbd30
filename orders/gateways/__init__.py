"""Payment gateways: Stripe Checkout in production, the offline gateway otherwise."""

from __future__ import annotations

from django.conf import settings

from .base import (
    ChargeOutcome,
    CheckoutRequest,
    EventKind,
    GatewayError,
    GatewayEvent,
    GatewayNotFoundError,
    GatewayPayment,
    GatewayRefund,
    GatewaySession,
    LineItem,
    MalformedEventError,
    OffSessionCharge,
    OffSessionResult,
    PaymentGateway,
    PostalAddress,
    SavedPaymentMethod,
    SetupRequest,
    ShippingOption,
    SignatureError,
)

__all__ = [
    "ChargeOutcome",
    "CheckoutRequest",
    "EventKind",
    "GatewayError",
    "GatewayEvent",
    "GatewayNotFoundError",
    "GatewayPayment",
    "GatewayRefund",
    "GatewaySession",
    "LineItem",
    "MalformedEventError",
    "OffSessionCharge",
    "OffSessionResult",
    "PaymentGateway",
    "PostalAddress",
    "SavedPaymentMethod",
    "SetupRequest",
    "ShippingOption",
    "SignatureError",
    "gateway_get",
    "offline_gateway_in_use",
]


def offline_gateway_in_use() -> bool:
    """The offline gateway stands in for Stripe whenever no Stripe key is configured."""
    return not settings.STRIPE_SECRET_KEY


def gateway_get() -> PaymentGateway:
    """Stripe when STRIPE_SECRET_KEY is set, else the offline gateway."""
    if not offline_gateway_in_use():
        from .stripe import StripeGateway

        return StripeGateway.from_settings()
    from .offline import OfflineGateway

    return OfflineGateway()
