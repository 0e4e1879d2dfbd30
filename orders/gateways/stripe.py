"""Stripe Checkout: the only module in the project that imports `stripe`."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace

import stripe
from django.conf import settings

from .base import (
    ChargeOutcome,
    CheckoutRequest,
    ConnectAccount,
    ConnectTransfer,
    GatewayError,
    GatewayEvent,
    GatewayNotFoundError,
    GatewayPayment,
    GatewayRefund,
    GatewaySession,
    OffSessionCharge,
    OffSessionResult,
    PaymentGateway,
    SavedPaymentMethod,
    SetupRequest,
    SignatureError,
)
from .event_shape import event_from_json
from .signing import SIGNATURE_TOLERANCE_SECONDS, signature_not_from_the_future

HTTP_TIMEOUT_SECONDS = 20
# Unpaid sessions expire after an hour (Stripe allows 30 min to 24 h); the
# `checkout.session.expired` event then cancels the order and releases its stock.
SESSION_LIFETIME_SECONDS = 60 * 60
MIN_SESSION_SECONDS = 30 * 60 + 30
# Stripe Tax product tax codes: general tangible goods, and non-taxable.
TAX_CODE_GOODS = "txcd_99999999"
TAX_CODE_EXEMPT = "txcd_00000000"


def _gateway_error(exc: stripe.StripeError) -> GatewayError:
    if isinstance(exc, stripe.InvalidRequestError) and exc.http_status == 404:
        return GatewayNotFoundError(f"stripe: {type(exc).__name__}")
    return GatewayError(f"stripe: {type(exc).__name__}")


def _stripe(call, *args) -> dict:
    """One Stripe API call, its object as a dict; the library's errors become ours."""
    try:
        return call(*args).to_dict()
    except stripe.StripeError as exc:
        raise _gateway_error(exc) from exc


def _session_from_stripe(data: dict) -> GatewaySession:
    payment_intent = data.get("payment_intent") or ""
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id", "")
    amount_tax = (data.get("total_details") or {}).get("amount_tax")
    line_items = (data.get("line_items") or {}).get("data") or []
    return GatewaySession(
        id=data["id"],
        url=data.get("url") or "",
        status=data.get("status") or "",
        payment_status=data.get("payment_status") or "",
        amount_total=int(data.get("amount_total") or 0),
        currency=(data.get("currency") or "").lower(),
        payment_intent_id=payment_intent,
        metadata=dict(data.get("metadata") or {}),
        amount_tax=amount_tax if isinstance(amount_tax, int) else None,
        line_taxes=tuple(int(item.get("amount_tax") or 0) for item in line_items),
    )


def _setup_future_usage_apply(params: dict) -> None:
    """Autoship: Checkout keeps the card on a Stripe customer for off-session charges."""
    params["payment_intent_data"] = {
        **params.get("payment_intent_data", {}),
        "setup_future_usage": "off_session",
    }
    if "customer" not in params:
        params["customer_creation"] = "always"


def _id_of(value) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _account_from_stripe(data: dict) -> ConnectAccount:
    return ConnectAccount(
        id=data["id"],
        details_submitted=bool(data.get("details_submitted")),
        payouts_enabled=bool(data.get("payouts_enabled")),
    )


def _transfer_from_stripe(data: dict) -> ConnectTransfer:
    return ConnectTransfer(
        id=data["id"],
        amount=int(data.get("amount") or 0),
        currency=(data.get("currency") or "").lower(),
        destination=_id_of(data.get("destination")),
        amount_reversed=int(data.get("amount_reversed") or 0),
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
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
        signature_not_from_the_future(header=headers.get("Stripe-Signature"))
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

    def _customer_create(self, request: CheckoutRequest) -> str:
        """A customer carrying the shipping address: Stripe Tax computes tax on it."""
        address = request.ship_to
        assert address is not None
        stripe_address = {
            "line1": address.line1,
            "line2": address.line2 or None,
            "city": address.city,
            "state": address.state,
            "postal_code": address.postal_code,
            "country": address.country,
        }
        customer = self.client.v1.customers.create(
            {
                "email": request.customer_email,
                "name": address.name,
                "address": stripe_address,
                "shipping": {"name": address.name, "address": stripe_address},
                "metadata": request.metadata,
            },
            {"idempotency_key": f"{request.idempotency_key}-customer"},
        )
        return customer.id

    def _coupon_create(self, request: CheckoutRequest) -> str:
        """A one-off coupon for the order's discount (merchandise only, as ours)."""
        coupon = self.client.v1.coupons.create(
            {
                "amount_off": request.discount_amount,
                "currency": request.currency,
                "duration": "once",
                "max_redemptions": 1,
                "name": (request.discount_label or "Discount")[:40],
                "metadata": request.metadata,
            },
            {"idempotency_key": f"{request.idempotency_key}-coupon"},
        )
        return coupon.id

    def checkout_session_params(self, request: CheckoutRequest) -> dict:
        shipping_rate = {
            "type": "fixed_amount",
            "display_name": request.shipping.name,
            "fixed_amount": {"amount": request.shipping.amount, "currency": request.currency},
            "tax_behavior": "exclusive",
        }
        if request.shipping.days_max:
            shipping_rate["delivery_estimate"] = {
                "minimum": {"unit": "business_day", "value": request.shipping.days_min or 1},
                "maximum": {"unit": "business_day", "value": request.shipping.days_max},
            }
        expires_at = request.expires_at or int(time.time()) + SESSION_LIFETIME_SECONDS
        return {
            "mode": "payment",
            "client_reference_id": request.order_number,
            "line_items": [
                {
                    "price_data": {
                        "currency": request.currency,
                        "unit_amount": item.unit_amount,
                        "tax_behavior": "exclusive",
                        "product_data": {
                            "name": item.name,
                            "metadata": {"sku": item.sku},
                            "tax_code": TAX_CODE_GOODS if item.taxable else TAX_CODE_EXEMPT,
                        },
                    },
                    "quantity": item.quantity,
                }
                for item in request.line_items
            ],
            # The method the shopper chose on our checkout (same amount as our totals).
            "shipping_options": [{"shipping_rate_data": shipping_rate}],
            "automatic_tax": {"enabled": request.automatic_tax},
            "metadata": request.metadata,
            "payment_intent_data": {"metadata": request.metadata},
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            # Stripe accepts 30 minutes to 24 hours; the stock hold ends then too.
            "expires_at": max(expires_at, int(time.time()) + MIN_SESSION_SECONDS),
        }

    def balance_session_params(self, request: CheckoutRequest) -> dict:
        """Part of the order is paid by gift card: the session charges the rest only.

        Checkout cannot take a second tender, and a coupon would be a discount (Stripe
        Tax would tax less, and a coupon never reaches shipping). So the hosted page
        shows one line, the balance due (goods, shipping and our tax already in it, tax
        code non-taxable), with no coupon, no shipping option and no automatic tax.
        """
        params = self.checkout_session_params(request)
        params["line_items"] = [
            {
                "price_data": {
                    "currency": request.currency,
                    "unit_amount": request.amount_total,
                    "tax_behavior": "exclusive",
                    "product_data": {
                        "name": f"Order {request.order_number}: balance after gift card",
                        "tax_code": TAX_CODE_EXEMPT,
                    },
                },
                "quantity": 1,
            }
        ]
        params["automatic_tax"] = {"enabled": False}
        del params["shipping_options"]
        return params

    def checkout_session_create(self, request: CheckoutRequest) -> GatewaySession:
        try:
            if request.giftcard_amount:
                request = replace(request, automatic_tax=False)
                params = self.balance_session_params(request)
            else:
                params = self.checkout_session_params(request)
            if request.ship_to is not None:
                params["customer"] = self._customer_create(request)
            else:
                params["customer_email"] = request.customer_email
            if request.discount_amount and not request.giftcard_amount:
                params["discounts"] = [{"coupon": self._coupon_create(request)}]
            if request.save_payment_method:
                _setup_future_usage_apply(params)
            session = self.client.v1.checkout.sessions.create(
                params, {"idempotency_key": request.idempotency_key}
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"stripe: {type(exc).__name__}") from exc
        return _session_from_stripe(session.to_dict())

    def checkout_session_retrieve(self, session_id: str) -> GatewaySession:
        try:
            session = self.client.v1.checkout.sessions.retrieve(
                session_id, {"expand": ["line_items"]}
            )
        except stripe.StripeError as exc:
            raise _gateway_error(exc) from exc
        return _session_from_stripe(session.to_dict())

    def checkout_session_expire(self, session_id: str) -> GatewaySession:
        try:
            session = self.client.v1.checkout.sessions.expire(session_id)
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

    # --- Autoship (orders/autoship): saved methods and off-session charges ---------------
    def saved_payment_method_retrieve(self, session_id: str) -> SavedPaymentMethod | None:
        try:
            session = self.client.v1.checkout.sessions.retrieve(
                session_id, {"expand": ["payment_intent", "setup_intent"]}
            )
        except stripe.StripeError as exc:
            raise _gateway_error(exc) from exc
        data = session.to_dict()
        intent = data.get("setup_intent") if data.get("mode") == "setup" else None
        intent = intent or data.get("payment_intent") or {}
        method = _id_of(intent.get("payment_method")) if isinstance(intent, dict) else ""
        customer = _id_of(data.get("customer")) or (
            _id_of(intent.get("customer")) if isinstance(intent, dict) else ""
        )
        if not (method and customer):
            return None
        return SavedPaymentMethod(customer_id=customer, payment_method_id=method)

    def off_session_charge(self, charge: OffSessionCharge) -> OffSessionResult:
        """A PaymentIntent confirmed at once without the customer; a refusal is an outcome."""
        try:
            intent = self.client.v1.payment_intents.create(
                {
                    "amount": charge.amount,
                    "currency": charge.currency,
                    "customer": charge.customer_id,
                    "payment_method": charge.payment_method_id,
                    "off_session": True,
                    "confirm": True,
                    "metadata": charge.metadata,
                },
                {"idempotency_key": charge.idempotency_key},
            )
        except stripe.CardError as exc:
            error = exc.error
            intent_data = getattr(error, "payment_intent", None) if error else None
            return OffSessionResult(
                outcome=ChargeOutcome.DECLINED,
                payment_intent_id=_id_of(intent_data.to_dict() if intent_data else None),
                decline_code=str(getattr(error, "decline_code", None) or exc.code or "declined"),
            )
        except stripe.StripeError as exc:
            raise _gateway_error(exc) from exc
        data = intent.to_dict()
        if data.get("status") == "succeeded":
            return OffSessionResult(outcome=ChargeOutcome.SUCCEEDED, payment_intent_id=data["id"])
        return OffSessionResult(
            outcome=ChargeOutcome.DECLINED,
            payment_intent_id=data["id"],
            decline_code=str(data.get("status") or "declined"),
        )

    def setup_session_create(self, request: SetupRequest) -> GatewaySession:
        try:
            session = self.client.v1.checkout.sessions.create(
                {
                    "mode": "setup",
                    "currency": request.currency,
                    "customer": request.customer_id,
                    "metadata": request.metadata,
                    "setup_intent_data": {"metadata": request.metadata},
                    "success_url": request.success_url,
                    "cancel_url": request.cancel_url,
                },
                {"idempotency_key": request.idempotency_key},
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"stripe: {type(exc).__name__}") from exc
        return _session_from_stripe(session.to_dict())

    # --- Connect payouts (retailers/earnings): Express accounts and transfers ---------
    def connect_account_create(
        self, *, email: str, idempotency_key: str, metadata: dict[str, str]
    ) -> ConnectAccount:
        account = _stripe(
            self.client.v1.accounts.create,
            {
                "type": "express",
                "country": "US",
                "email": email,
                "capabilities": {"transfers": {"requested": True}},
                "business_type": "individual",
                "metadata": metadata,
            },
            {"idempotency_key": idempotency_key},
        )
        return _account_from_stripe(account)

    def connect_account_retrieve(self, account_id: str) -> ConnectAccount:
        return _account_from_stripe(_stripe(self.client.v1.accounts.retrieve, account_id))

    def connect_account_link_create(
        self, *, account_id: str, refresh_url: str, return_url: str
    ) -> str:
        link = _stripe(
            self.client.v1.account_links.create,
            {
                "account": account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            },
        )
        return str(link["url"])

    def transfer_create(
        self,
        *,
        destination: str,
        amount: int,
        currency: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> ConnectTransfer:
        transfer = _stripe(
            self.client.v1.transfers.create,
            {
                "amount": amount,
                "currency": currency,
                "destination": destination,
                "metadata": metadata,
            },
            {"idempotency_key": idempotency_key},
        )
        return _transfer_from_stripe(transfer)

    def transfer_retrieve(self, transfer_id: str) -> ConnectTransfer:
        return _transfer_from_stripe(_stripe(self.client.v1.transfers.retrieve, transfer_id))
