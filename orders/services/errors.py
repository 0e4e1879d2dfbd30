"""Errors a shopper or staff member can be shown as they are (no internals, no PII)."""

from __future__ import annotations

from django.db import models


class CheckoutError(Exception):
    class Code(models.TextChoices):
        EMPTY_CART = "empty_cart", "Your cart is empty."
        UNAVAILABLE = "unavailable", "Some items are no longer available."
        OUT_OF_STOCK = "out_of_stock", "Some items are out of stock."
        BAD_QUANTITY = "bad_quantity", "A quantity in your cart is not valid."
        HELPER = (
            "helper",
            "That retailer cannot be credited with orders. Choose another, or no one.",
        )
        DESTINATION = (
            "destination",
            "We ship only to the US states, DC, US territories and APO/FPO/DPO addresses.",
        )
        SHIPPING_METHOD = "shipping_method", "Please choose a shipping method."
        DISCOUNT = "discount", "That discount code cannot be used."
        GIFTCARD = "giftcard", "That gift card cannot be used."
        AUTOSHIP = (
            "autoship",
            "Autoship needs an account with a confirmed email address: sign in and confirm "
            "it, or set the items to deliver once.",
        )
        GATEWAY = (
            "gateway",
            "The payment page is unavailable right now. Nothing was charged; please try again.",
        )

    def __init__(self, code: Code, products: list[str] | None = None, detail: str = "") -> None:
        self.code = code
        self.products = products or []
        self.detail = detail
        super().__init__(detail or code.label)

    @property
    def message(self) -> str:
        if self.detail:
            return self.detail
        if self.products:
            return f"{str(self.code.label).rstrip('.')}: {', '.join(self.products)}."
        return str(self.code.label)


class OrderTransitionError(Exception):
    """The order cannot move from its status to the one asked for. Nothing changed."""

    def __init__(self, *, number: str, from_status: str, to_status: str) -> None:
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(f"Order {number} cannot go from {from_status} to {to_status}.")


class RefundError(Exception):
    """A refund that cannot be made (status, amount, or the gateway said no)."""
