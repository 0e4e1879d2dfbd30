"""Hooks: what other apps do when an order is placed or changes status, without orders
importing them.

The order flow sits below earnings and scenes in the app order (pyproject.toml's import
contracts), yet an order paid must accrue a commission in the same transaction, and an
order placed through a scene link must be attributed to the scene. So those apps register
hooks here from their `AppConfig.ready()`:

- `order_transition` runs every transition hook inside its transaction, after the status
  is saved; a hook that raises rolls the transition back;
- `checkout_begin` runs every placed hook with the cart's attribution codes (scene, share
  link) after the order is placed and before the payment page opens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .models import Order


class OrderTransitionHook(Protocol):
    def __call__(self, *, order: Order, from_status: str, to_status: str) -> None: ...


class OrderPlacedHook(Protocol):
    def __call__(
        self, *, order: Order, attribution: dict[str, str], show_first_name_to_host: bool
    ) -> object: ...


_transition_hooks: list[Callable[..., None]] = []
_placed_hooks: list[Callable[..., None]] = []


def order_transition_hook_register(hook: OrderTransitionHook) -> OrderTransitionHook:
    """Run `hook(order=..., from_status=..., to_status=...)` on every status change (once)."""
    if hook not in _transition_hooks:
        _transition_hooks.append(hook)
    return hook


def order_transition_hooks_run(*, order: Order, from_status: str, to_status: str) -> None:
    for hook in tuple(_transition_hooks):
        hook(order=order, from_status=from_status, to_status=to_status)


def order_placed_hook_register(hook: OrderPlacedHook) -> OrderPlacedHook:
    """Run `hook(order=..., attribution=..., show_first_name_to_host=...)` at checkout (once)."""
    if hook not in _placed_hooks:
        _placed_hooks.append(hook)
    return hook


def order_placed_hooks_run(
    *, order: Order, attribution: dict[str, str], show_first_name_to_host: bool
) -> None:
    for hook in tuple(_placed_hooks):
        hook(order=order, attribution=attribution, show_first_name_to_host=show_first_name_to_host)


class AutoshipCheckout(Protocol):
    """What orders/autoship does at checkout (it registers itself from its `ready()`)."""

    def check(self, *, user: object, choices: dict[int, int], items: object) -> None: ...

    def pending_create(self, *, order: Order, user: object, choices: dict[int, int]) -> object: ...


_autoship: list[AutoshipCheckout] = []


def autoship_checkout_register(handler: AutoshipCheckout) -> AutoshipCheckout:
    """orders/autoship registers the checkout steps for lines chosen to deliver again."""
    _autoship[:] = [handler]
    return handler


def autoship_checkout() -> AutoshipCheckout:
    if not _autoship:
        raise RuntimeError("orders.autoship is not installed: no autoship checkout handler")
    return _autoship[0]


class OrderEmailExtras(Protocol):
    def __call__(self, *, order: Order, template: str) -> dict[str, object]: ...


_email_extras: list[OrderEmailExtras] = []


def order_email_extras_register(hook: OrderEmailExtras) -> OrderEmailExtras:
    """Add context to an order email (e.g. marketing's survey link on the shipping email)."""
    if hook not in _email_extras:
        _email_extras.append(hook)
    return hook


def order_email_extras(*, order: Order, template: str) -> dict[str, object]:
    """What the registered apps add to `template`'s context for `order` (merged in order)."""
    extras: dict[str, object] = {}
    for hook in tuple(_email_extras):
        extras.update(hook(order=order, template=template))
    return extras


# --- Payouts (issue 26): Connect webhook events, handled by retailers/earnings ---------
class PayoutEventHandler(Protocol):
    """What retailers/earnings does with `account.updated` and `transfer.*` events.

    `prepare` reads the object back from the gateway (outside any transaction);
    `apply` runs in the transaction that records the event and returns False when the
    object is not one of ours (the event is still recorded, acknowledged).
    """

    def prepare(self, *, gateway: object, event: object) -> object: ...

    def apply(self, *, event: object, prepared: object) -> bool: ...


_payout_event_handlers: list[PayoutEventHandler] = []


def payout_event_handler_register(handler: PayoutEventHandler) -> PayoutEventHandler:
    _payout_event_handlers[:] = [handler]
    return handler


def payout_event_handler() -> PayoutEventHandler | None:
    return _payout_event_handlers[0] if _payout_event_handlers else None


# --- hardening (issue 30 item 4): a guest proved the order's address through its link
_email_proved_hooks: list[Callable[..., None]] = []


def order_email_proved_hook_register(hook: Callable[..., None]) -> Callable[..., None]:
    """Run `hook(order=...)` when a buyer proves an order's email address (once)."""
    if hook not in _email_proved_hooks:
        _email_proved_hooks.append(hook)
    return hook


def order_email_proved_hooks_run(*, order: Order) -> None:
    for hook in tuple(_email_proved_hooks):
        hook(order=order)


# --- end hardening


# --- gift cards and store credit (issue 28 item 3): orders/giftcards registers itself --
class GiftCardRefused(Exception):
    """A gift-card code or store credit that cannot pay; `message` is shown as it is.
    `unknown`: no such code (a guess; checkout rate-limits those)."""

    def __init__(self, message: str, *, unknown: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.unknown = unknown


@dataclass(frozen=True)
class GiftCardRecipientDetails:
    """Who the gift cards bought in an order are emailed to (asked at checkout)."""

    name: str
    email: str
    message: str = ""


class GiftCardPayment(Protocol):
    """What orders/giftcards does for checkout, payment failure and refunds.

    `available` reads (no lock) what the code and/or the user's store credit can pay;
    `hold` spends `amount` of them for the order in the placement's transaction (card
    first, then credit; locks the card rows; GiftCardRefused if the money is gone);
    a canceled order's holds are given back by its transition hook; `refund` gives
    `amount` of the order's gift-card part back to its cards (a ledger entry each).
    """

    def product_ids(self) -> frozenset[int]: ...

    def available(
        self, *, code: str, user: object, use_store_credit: bool, retailer: object
    ) -> Decimal: ...

    def hold(
        self, *, order: Order, code: str, user: object, use_store_credit: bool, amount: Decimal
    ) -> None: ...

    def refund(self, *, order: Order, amount: Decimal, actor: str) -> None: ...

    def recipient_set(self, *, order: Order, recipient: GiftCardRecipientDetails) -> None: ...


_giftcard_payment: list[GiftCardPayment] = []


def giftcard_payment_register(handler: GiftCardPayment) -> GiftCardPayment:
    _giftcard_payment[:] = [handler]
    return handler


def giftcard_payment() -> GiftCardPayment | None:
    return _giftcard_payment[0] if _giftcard_payment else None
