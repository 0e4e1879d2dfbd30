"""The payment gateway interface: a hosted checkout page, session look-ups, refunds.

Amounts cross this boundary in minor units (integers, cents) with a lower-case
ISO currency, exactly as Stripe speaks them. No card data ever crosses it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field


class GatewayError(Exception):
    """The gateway refused or could not be reached. The message is safe to log."""


class SignatureError(Exception):
    """A webhook body whose signature is missing, wrong or stale."""


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
class GatewayRefund:
    id: str
    amount: int
    status: str


class PaymentGateway(ABC):
    name: str

    @property
    @abstractmethod
    def webhook_secret(self) -> str: ...

    @abstractmethod
    def checkout_session_create(self, request: CheckoutRequest) -> GatewaySession: ...

    @abstractmethod
    def checkout_session_retrieve(self, session_id: str) -> GatewaySession: ...

    @abstractmethod
    def refund_create(
        self, *, payment_intent_id: str, amount: int, idempotency_key: str, metadata: dict
    ) -> GatewayRefund: ...
