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
    # Stripe Connect payouts (retailers/earnings): the object is an account or a transfer.
    CONNECT_ACCOUNT_UPDATED = "connect_account_updated"
    TRANSFER_UPDATED = "transfer_updated"
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
    taxable: bool = True


@dataclass(frozen=True)
class ShippingOption:
    name: str
    amount: int  # minor units
    days_min: int = 0
    days_max: int = 0


@dataclass(frozen=True)
class PostalAddress:
    name: str
    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""
    country: str = "US"


@dataclass(frozen=True)
class CheckoutRequest:
    """What the shopper is asked to pay: the order's totals, in minor units.

    amount_total = Σ line items − discount + shipping + tax − gift card. With
    `automatic_tax` the gateway computes the tax itself (Stripe Tax) and `tax_amount` is
    only our estimate; otherwise `tax_amount` is charged as it is. `giftcard_amount` is
    already paid (by gift card / store credit): the gateway charges only the rest, and
    never computes tax on such an order (the shop has, on the goods).
    """

    order_id: int
    order_number: str
    retailer_slug: str
    currency: str  # lower case, e.g. "usd"
    line_items: list[LineItem]
    shipping: ShippingOption
    customer_email: str
    success_url: str  # may contain {CHECKOUT_SESSION_ID}
    cancel_url: str
    idempotency_key: str
    discount_amount: int = 0  # merchandise only
    discount_label: str = ""
    tax_amount: int = 0
    giftcard_amount: int = 0  # paid already by gift card / store credit
    automatic_tax: bool = False
    ship_to: PostalAddress | None = None
    expires_at: int = 0  # unix time; 0: the gateway's default
    # Autoship (orders/autoship): keep the payment method for later off-session charges
    # (Stripe: setup_future_usage=off_session). The gateway keeps it; we keep its ids.
    save_payment_method: bool = False

    @property
    def shipping_amount(self) -> int:
        return self.shipping.amount

    @property
    def amount_before_tax(self) -> int:
        merchandise = sum(i.unit_amount * i.quantity for i in self.line_items)
        return merchandise - self.discount_amount + self.shipping.amount

    @property
    def amount_total(self) -> int:
        """What a gateway that does not compute tax charges (and Stripe's pre-tax part)."""
        return (
            self.amount_before_tax
            + (0 if self.automatic_tax else self.tax_amount)
            - self.giftcard_amount
        )

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
    amount_tax: int | None = None  # tax in amount_total, when the gateway reports it
    line_taxes: tuple[int, ...] = ()  # per line item, in request order, when reported


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


# --- Autoship: saved payment methods and off-session charges (orders/autoship) ---
@dataclass(frozen=True)
class SavedPaymentMethod:
    """The gateway's ids for a payment method it keeps for later: never card data."""

    customer_id: str
    payment_method_id: str


@dataclass(frozen=True)
class OffSessionCharge:
    customer_id: str
    payment_method_id: str
    amount: int  # minor units
    currency: str
    idempotency_key: str
    metadata: dict[str, str] = field(default_factory=dict)


class ChargeOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    DECLINED = "declined"  # the card was refused or needs the customer (authentication)


@dataclass(frozen=True)
class OffSessionResult:
    outcome: ChargeOutcome
    payment_intent_id: str = ""
    decline_code: str = ""  # the gateway's code, safe to log (e.g. "insufficient_funds")


# --- Stripe Connect payouts (retailers/earnings): Express accounts and transfers -------
@dataclass(frozen=True)
class ConnectAccount:
    """A retailer's connected account as the gateway reports it now."""

    id: str
    details_submitted: bool
    payouts_enabled: bool


@dataclass(frozen=True)
class ConnectTransfer:
    """Money moved from the platform balance to a connected account (minor units)."""

    id: str
    amount: int
    currency: str
    destination: str
    amount_reversed: int = 0
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def reversed(self) -> bool:
        return self.amount_reversed >= self.amount > 0


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
    def checkout_session_expire(self, session_id: str) -> GatewaySession:
        """Close an open session so it can no longer be paid (a cart checked out again)."""

    @abstractmethod
    def refund_create(
        self, *, payment_intent_id: str, amount: int, idempotency_key: str, metadata: dict
    ) -> GatewayRefund: ...

    # --- Autoship (orders/autoship): implemented by each gateway in its own functions ---
    def saved_payment_method_retrieve(self, session_id: str) -> SavedPaymentMethod | None:
        """The method a paid session with `save_payment_method` saved; None otherwise."""
        raise NotImplementedError

    def off_session_charge(self, charge: OffSessionCharge) -> OffSessionResult:
        """Charge a saved method without the customer present. GatewayError: try again."""
        raise NotImplementedError

    def setup_session_create(self, request: SetupRequest) -> GatewaySession:
        """A hosted page where the customer saves a new card for later (mode=setup)."""
        raise NotImplementedError

    # --- Connect payouts (retailers/earnings): each gateway implements these ---------
    def connect_account_create(
        self, *, email: str, idempotency_key: str, metadata: dict[str, str]
    ) -> ConnectAccount:
        """An Express account for a retailer (US, transfers capability)."""
        raise NotImplementedError

    def connect_account_retrieve(self, account_id: str) -> ConnectAccount:
        raise NotImplementedError

    def connect_account_link_create(
        self, *, account_id: str, refresh_url: str, return_url: str
    ) -> str:
        """The URL of the gateway's hosted onboarding page for the account (single use)."""
        raise NotImplementedError

    def transfer_create(
        self,
        *,
        destination: str,
        amount: int,
        currency: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> ConnectTransfer:
        raise NotImplementedError

    def transfer_retrieve(self, transfer_id: str) -> ConnectTransfer:
        raise NotImplementedError


@dataclass(frozen=True)
class SetupRequest:
    """Ask the customer for a new card on the hosted page (autoship "update card")."""

    customer_id: str
    customer_email: str
    success_url: str  # may contain {CHECKOUT_SESSION_ID}
    cancel_url: str
    idempotency_key: str
    currency: str = "usd"
    metadata: dict[str, str] = field(default_factory=dict)
