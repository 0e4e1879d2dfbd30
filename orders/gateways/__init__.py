"""Payment gateways: Stripe Checkout in production, the offline gateway otherwise."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import (
    ChargeOutcome,
    CheckoutRequest,
    ConnectAccount,
    ConnectTransfer,
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
    "ConnectAccount",
    "ConnectTransfer",
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
    "offline_gateway_permitted",
]


def offline_gateway_permitted() -> bool:
    """The offline gateway may run: dev and test settings, or production's demo switch."""
    return bool(settings.PAYMENTS_OFFLINE_ALLOWED or settings.PAYMENTS_OFFLINE_DEMO)


def offline_gateway_in_use() -> bool:
    """The offline gateway stands in for Stripe: no Stripe key, and it is permitted.

    Decided at run time from the settings: under production settings without the
    demo switch this is False even when the Stripe key is empty, so the offline
    hosted page is neither mounted nor answered (the app refuses to start in that
    configuration anyway: orders.checks, shopsocial.guards).
    """
    return not settings.STRIPE_SECRET_KEY and offline_gateway_permitted()


def gateway_get() -> PaymentGateway:
    """Stripe when STRIPE_SECRET_KEY is set, else the offline gateway where permitted."""
    if settings.STRIPE_SECRET_KEY:
        from .stripe import StripeGateway

        return StripeGateway.from_settings()
    if not offline_gateway_permitted():
        raise ImproperlyConfigured(
            "No STRIPE_SECRET_KEY and the offline gateway is not permitted "
            "(set PAYMENTS_OFFLINE_DEMO=true for a demo)."
        )
    from .offline import OfflineGateway

    return OfflineGateway()
