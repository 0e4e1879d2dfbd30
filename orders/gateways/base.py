"""The payment gateway interface: a hosted checkout page, session look-ups, refunds.

Amounts cross this boundary in minor units (integers, cents) with a lower-case
ISO currency, exactly as Stripe speaks them. No card data ever crosses it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class GatewayError(Exception):
    """The gateway refused or could not be reached. The message is safe to log."""


class GatewayNotFoundError(GatewayError):
    """The gateway answered, and it has no such object (not worth retrying)."""


class SignatureError(Exception):
    """A webhook body whose signature is missing, wrong or stale."""


class MalformedEventError(Exception):
    """A correctly signed webhook body that is not an event we can read."""


class EventKind(StrEnum):
    """What a gateway event means to the shop, whatever the gateway calls it."""

    SESSION_COMPLETED = "session_completed"
    SESSION_ASYNC_SUCCEEDED = "session_async_succeeded"
    SESSION_ASYNC_FAILED = "session_async_failed"
    SESSION_EXPIRED = "session_expired"
    PAYMENT_REFUNDED = "payment_refunded"
    PAYMENT_DISPUTED = "payment_disputed"
    OTHER = "other"


@dataclass(frozen=True)
class GatewayEvent:
    """One verified webhook event, parsed by the gateway that sent it.

    It names the object only (`object_id`: a checkout session id for session
    events, a payment id for payment events). Handlers never trust the body's
    amounts or states: they read the object back from the gateway.
    """

    id: str
    kind: EventKind
    type: str  # the gateway's own name for it, e.g. "checkout.session.completed"
    object_id: str


@dataclass(frozen=True)
class LineItem:
    name: str
    sku: str
    unit_amount: int  # minor units
    quantity: int


@dataclass(frozen=True)
class CheckoutRequest:
    order_id: int
    order_number: str
    retailer_slug: str
    currency: str  # lower case, e.g. "usd"
    line_items: list[LineItem]
    shipping_amount: int  # minor units
    customer_email: str
    success_url: str  # may contain {CHECKOUT_SESSION_ID}
    cancel_url: str
    idempotency_key: str

    @property
    def amount_total(self) -> int:
        return sum(i.unit_amount * i.quantity for i in self.line_items) + self.shipping_amount

    @property
    def metadata(self) -> dict[str, str]:
        return {
            "order_id": str(self.order_id),
            "order_number": self.order_number,
            "retailer": self.retailer_slug,
        }


@dataclass(frozen=True)
class GatewaySession:
    id: str
    url: str
    status: str  # open | complete | expired
    payment_status: str  # paid | unpaid | no_payment_required
    amount_total: int
    currency: str
    payment_intent_id: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayPayment:
    """A payment as the gateway reports it now (minor units)."""

    id: str
    amount: int
    amount_refunded: int
    currency: str
    disputed: bool = False


@dataclass(frozen=True)
class GatewayRefund:
    id: str
    amount: int
    status: str


class PaymentGateway(ABC):
    name: str

    @abstractmethod
    def webhook_event_parse(self, *, payload: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        """Verify a webhook delivery on its raw body and parse it.

        SignatureError if it is not from this gateway (missing, wrong or stale
        signature); MalformedEventError if it is signed but unreadable.
        """

    @abstractmethod
    def payment_retrieve(self, payment_id: str) -> GatewayPayment:
        """Read a payment back (refunds and disputes are confirmed with it)."""

    @abstractmethod
    def checkout_session_create(self, request: CheckoutRequest) -> GatewaySession: ...

    @abstractmethod
    def checkout_session_retrieve(self, session_id: str) -> GatewaySession: ...

    @abstractmethod
    def refund_create(
        self, *, payment_intent_id: str, amount: int, idempotency_key: str, metadata: dict
    ) -> GatewayRefund: ...
