"""The offline gateway: Stripe Checkout's flow without Stripe (development, demos, tests).

It keeps its sessions in `OfflineCheckoutSession`, serves a hosted payment page on
the company host (`/offline-gateway/pay/<session_id>/`, see `offline_views.py`),
and delivers events exactly as Stripe would: the same payload shape, signed with
the same `Stripe-Signature` scheme (OFFLINE_GATEWAY_WEBHOOK_SECRET, `signing.py`).

Delivery is in-process, to a callback the shop injects (`event_sink_set`, wired in
`orders.apps`): the raw body and its headers, exactly what the webhook view would
receive. This adapter never imports the order domain.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shopsocial.urls_util import company_reverse

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
)
from .event_shape import event_from_json
from .offline_store import OfflineCheckoutSession, OfflineConnectAccount, OfflineTransfer
from .signing import signature_header, signature_verify

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
        "total_details": {"amount_tax": session.amount_tax},
        "expires_at": int(session.expires_at.timestamp()) if session.expires_at else None,
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


# Where signed events go: (raw body, headers) -> anything. Set by the shop at start-up.
EventSink = Callable[[bytes, Mapping[str, str]], object]
_event_sink: EventSink | None = None


def event_sink_set(sink: EventSink | None) -> None:
    """Inject the receiver of this gateway's webhook deliveries (the shop's webhook entry)."""
    global _event_sink
    _event_sink = sink


def offline_event_deliver(*, event: dict) -> None:
    """Sign the event with Stripe's scheme and hand it to the injected sink."""
    payload = json.dumps(event).encode()
    header = signature_header(payload=payload, secret=settings.OFFLINE_GATEWAY_WEBHOOK_SECRET)
    if _event_sink is None:
        logger.warning("offline gateway: no event sink; %s not delivered", event["type"])
        return
    try:
        _event_sink(payload, {"Stripe-Signature": header})
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
        amount_tax=session.amount_tax,
        line_taxes=(),
    )


# --- Autoship: saved payment methods, as Stripe keeps them (never card data) ----------
# A paid session asked to save its method yields `pm_offline_<suffix>` on
# `cus_offline_<suffix>`. A method id containing "decline" is refused off-session
# (how tests and demos try dunning: docs/autoship.md).
SAVE_FLAG = "setup_future_usage"


def _offline_metadata(request: CheckoutRequest) -> dict[str, str]:
    metadata = dict(request.metadata)
    if request.save_payment_method:
        metadata[SAVE_FLAG] = "off_session"
    return metadata


def _suffix(session_id: str) -> str:
    return session_id.rsplit("_", 1)[-1]


class OfflineGateway(PaymentGateway):
    name = "offline"

    def webhook_event_parse(self, *, payload: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        signature_verify(
            payload=payload,
            header=headers.get("Stripe-Signature"),
            secret=settings.OFFLINE_GATEWAY_WEBHOOK_SECRET,
        )
        return event_from_json(payload)

    def payment_retrieve(self, payment_id: str) -> GatewayPayment:
        session = (
            OfflineCheckoutSession.objects.filter(payment_intent_id=payment_id).first()
            if payment_id
            else None
        )
        if session is None:
            raise GatewayNotFoundError("offline: no such payment")
        return GatewayPayment(
            id=payment_id,
            amount=session.amount_total,
            amount_refunded=session.amount_refunded,
            currency=session.currency,
        )

    def checkout_session_create(self, request: CheckoutRequest) -> GatewaySession:
        session_id = _new_id("cs")
        # The hosted page lists every part of the total, as Stripe's does.
        parts = [
            {
                "kind": "item",
                "name": i.name,
                "sku": i.sku,
                "unit_amount": i.unit_amount,
                "quantity": i.quantity,
            }
            for i in request.line_items
        ]
        if request.discount_amount:
            parts.append(
                {
                    "kind": "discount",
                    "name": f"Discount {request.discount_label}".strip(),
                    "sku": "",
                    "unit_amount": -request.discount_amount,
                    "quantity": 1,
                }
            )
        parts.append(
            {
                "kind": "shipping",
                "name": f"Shipping ({request.shipping.name})",
                "sku": "",
                "unit_amount": request.shipping.amount,
                "quantity": 1,
            }
        )
        parts.append(
            {
                "kind": "tax",
                "name": "Sales tax",
                "sku": "",
                "unit_amount": request.tax_amount,
                "quantity": 1,
            }
        )
        if request.giftcard_amount:
            parts.append(
                {
                    "kind": "giftcard",
                    "name": "Paid by gift card / store credit",
                    "sku": "",
                    "unit_amount": -request.giftcard_amount,
                    "quantity": 1,
                }
            )
        expires_at = (
            datetime.fromtimestamp(request.expires_at, tz=UTC) if request.expires_at else None
        )
        # Same idempotency key, same session (as Stripe answers a retried request).
        session, _ = OfflineCheckoutSession.objects.get_or_create(
            idempotency_key=request.idempotency_key,
            defaults={
                "session_id": session_id,
                "amount_total": request.amount_before_tax
                + request.tax_amount
                - request.giftcard_amount,
                "amount_tax": request.tax_amount,
                "currency": request.currency,
                "line_items": parts,
                "metadata": _offline_metadata(request),
                "success_url": request.success_url.replace("{CHECKOUT_SESSION_ID}", session_id),
                "cancel_url": request.cancel_url,
                "expires_at": expires_at,
            },
        )
        return _session(session)

    def checkout_session_expire(self, session_id: str) -> GatewaySession:
        session = offline_session_settle(session_id=session_id, pay=False)
        if session is None:
            raise GatewayNotFoundError("offline: no such session")
        return _session(session)

    def checkout_session_retrieve(self, session_id: str) -> GatewaySession:
        session = OfflineCheckoutSession.objects.filter(session_id=session_id).first()
        if session is None:
            raise GatewayNotFoundError("offline: no such session")
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

    # --- Autoship (orders/autoship) ------------------------------------------------------
    def saved_payment_method_retrieve(self, session_id: str) -> SavedPaymentMethod | None:
        session = OfflineCheckoutSession.objects.filter(session_id=session_id).first()
        if session is None:
            raise GatewayNotFoundError("offline: no such session")
        saved = (
            session.metadata.get(SAVE_FLAG) == "off_session"
            or session.metadata.get("mode") == "setup"
        )
        if not saved or session.status != OfflineCheckoutSession.Status.COMPLETE:
            return None
        customer = session.metadata.get("customer") or f"cus_offline_{_suffix(session_id)}"
        return SavedPaymentMethod(
            customer_id=customer, payment_method_id=f"pm_offline_{_suffix(session_id)}"
        )

    def off_session_charge(self, charge: OffSessionCharge) -> OffSessionResult:
        """A charge is a completed session row: refunds and payment look-ups work on it."""
        if not charge.payment_method_id.startswith("pm_offline_"):
            raise GatewayError("offline: no such payment method")
        if "decline" in charge.payment_method_id:
            return OffSessionResult(outcome=ChargeOutcome.DECLINED, decline_code="card_declined")
        session, _ = OfflineCheckoutSession.objects.get_or_create(
            idempotency_key=charge.idempotency_key,
            defaults={
                "session_id": _new_id("cs"),
                "status": OfflineCheckoutSession.Status.COMPLETE,
                "payment_status": OfflineCheckoutSession.PaymentStatus.PAID,
                "payment_intent_id": _new_id("pi"),
                "amount_total": charge.amount,
                "currency": charge.currency,
                "metadata": {**charge.metadata, "off_session": "true"},
                "success_url": "http://offline.invalid/",
                "cancel_url": "http://offline.invalid/",
            },
        )
        return OffSessionResult(
            outcome=ChargeOutcome.SUCCEEDED, payment_intent_id=session.payment_intent_id
        )

    def setup_session_create(self, request: SetupRequest) -> GatewaySession:
        session_id = _new_id("cs")
        session, _ = OfflineCheckoutSession.objects.get_or_create(
            idempotency_key=request.idempotency_key,
            defaults={
                "session_id": session_id,
                "amount_total": 0,
                "currency": request.currency,
                "line_items": [],
                "metadata": {**request.metadata, "mode": "setup", "customer": request.customer_id},
                "success_url": request.success_url.replace("{CHECKOUT_SESSION_ID}", session_id),
                "cancel_url": request.cancel_url,
            },
        )
        return _session(session)

    # --- Connect payouts (retailers/earnings) ----------------------------------------
    def connect_account_create(
        self, *, email: str, idempotency_key: str, metadata: dict[str, str]
    ) -> ConnectAccount:
        account, _ = OfflineConnectAccount.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={"account_id": _new_id("acct"), "email": email, "metadata": metadata},
        )
        return _account(account)

    def connect_account_retrieve(self, account_id: str) -> ConnectAccount:
        account = OfflineConnectAccount.objects.filter(account_id=account_id).first()
        if account is None:
            raise GatewayNotFoundError("offline: no such account")
        return _account(account)

    def connect_account_link_create(
        self, *, account_id: str, refresh_url: str, return_url: str
    ) -> str:
        updated = OfflineConnectAccount.objects.filter(account_id=account_id).update(
            return_url=return_url, refresh_url=refresh_url
        )
        if not updated:
            raise GatewayNotFoundError("offline: no such account")
        return company_reverse("orders:offline-gateway-connect", account_id)

    def transfer_create(
        self,
        *,
        destination: str,
        amount: int,
        currency: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> ConnectTransfer:
        account = OfflineConnectAccount.objects.filter(account_id=destination).first()
        if account is None or not account.payouts_enabled:
            raise GatewayError("offline: the destination account cannot receive transfers")
        with transaction.atomic():
            transfer, created = OfflineTransfer.objects.get_or_create(
                idempotency_key=idempotency_key,
                defaults={
                    "transfer_id": _new_id("tr"),
                    "destination": destination,
                    "amount": amount,
                    "currency": currency,
                    "metadata": metadata,
                },
            )
            if created:
                event = offline_event_build(
                    event_type="transfer.created", data_object=offline_transfer_object(transfer)
                )
                transaction.on_commit(lambda: offline_event_deliver(event=event))
        return _transfer(transfer)

    def transfer_retrieve(self, transfer_id: str) -> ConnectTransfer:
        transfer = OfflineTransfer.objects.filter(transfer_id=transfer_id).first()
        if transfer is None:
            raise GatewayNotFoundError("offline: no such transfer")
        return _transfer(transfer)


def offline_account_object(account: OfflineConnectAccount) -> dict:
    """The account as Stripe's API shows it (an `account` object, the parts we read)."""
    return {
        "id": account.account_id,
        "object": "account",
        "type": "express",
        "country": "US",
        "details_submitted": account.details_submitted,
        "payouts_enabled": account.payouts_enabled,
        "charges_enabled": False,
        "metadata": account.metadata,
    }


def offline_transfer_object(transfer: OfflineTransfer) -> dict:
    return {
        "id": transfer.transfer_id,
        "object": "transfer",
        "amount": transfer.amount,
        "amount_reversed": transfer.amount_reversed,
        "currency": transfer.currency,
        "destination": transfer.destination,
        "reversed": transfer.amount_reversed >= transfer.amount,
        "metadata": transfer.metadata,
        "livemode": False,
    }


def _account(account: OfflineConnectAccount) -> ConnectAccount:
    return ConnectAccount(
        id=account.account_id,
        details_submitted=account.details_submitted,
        payouts_enabled=account.payouts_enabled,
    )


def _transfer(transfer: OfflineTransfer) -> ConnectTransfer:
    return ConnectTransfer(
        id=transfer.transfer_id,
        amount=transfer.amount,
        currency=transfer.currency,
        destination=transfer.destination,
        amount_reversed=transfer.amount_reversed,
        metadata=dict(transfer.metadata),
    )


def offline_connect_account_for_page(*, account_id: str) -> OfflineConnectAccount | None:
    return OfflineConnectAccount.objects.filter(account_id=account_id).first()


def offline_connect_onboarding_complete(*, account_id: str) -> OfflineConnectAccount | None:
    """The retailer finished the local onboarding page: the account may receive payouts,
    and `account.updated` is sent (once; a second submit changes nothing)."""
    with transaction.atomic():
        account = (
            OfflineConnectAccount.objects.select_for_update().filter(account_id=account_id).first()
        )
        if account is None or account.payouts_enabled:
            return account
        account.details_submitted = True
        account.payouts_enabled = True
        account.save(update_fields=["details_submitted", "payouts_enabled"])
        event = offline_event_build(
            event_type="account.updated", data_object=offline_account_object(account)
        )
        transaction.on_commit(lambda: offline_event_deliver(event=event))
    return account


def offline_transfer_reverse(*, transfer_id: str) -> OfflineTransfer | None:
    """Reverse a whole transfer, as from Stripe's dashboard (development and tests)."""
    with transaction.atomic():
        transfer = (
            OfflineTransfer.objects.select_for_update().filter(transfer_id=transfer_id).first()
        )
        if transfer is None or transfer.amount_reversed >= transfer.amount:
            return transfer
        transfer.amount_reversed = transfer.amount
        transfer.save(update_fields=["amount_reversed"])
        event = offline_event_build(
            event_type="transfer.reversed", data_object=offline_transfer_object(transfer)
        )
        transaction.on_commit(lambda: offline_event_deliver(event=event))
    return transfer


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
        if pay and session.expires_at and session.expires_at <= timezone.now():
            pay = False  # too late: like Stripe, an expired session cannot be paid
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
    """Expire open sessions past their `expires_at` (or, without one, their lifetime),
    as Stripe does (sends `...expired`)."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    ids = list(
        OfflineCheckoutSession.objects.filter(status=OfflineCheckoutSession.Status.OPEN)
        .filter(Q(expires_at__lte=now) | Q(expires_at__isnull=True, created_at__lte=cutoff))
        .values_list("session_id", flat=True)[:500]
    )
    for session_id in ids:
        offline_session_settle(session_id=session_id, pay=False)
    return len(ids)
