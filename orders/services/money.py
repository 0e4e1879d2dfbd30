"""Money helpers: Decimal in the database, integer minor units at the gateway."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")


def to_minor(amount: Decimal) -> int:
    """Dollars to cents (USD and every 2-decimal currency we sell in)."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(amount: int) -> Decimal:
    return (Decimal(amount) / 100).quantize(CENT)


def shipping_for(subtotal: Decimal) -> Decimal:
    """Flat rate, free from SHIPPING_FREE_ABOVE upwards."""
    if subtotal >= Decimal(settings.SHIPPING_FREE_ABOVE):
        return Decimal("0.00")
    return Decimal(settings.SHIPPING_FLAT_RATE).quantize(CENT)


def commission_base(order) -> Decimal:
    """Merchandise after discounts, never tax or shipping: what commissions are paid on."""
    discount = getattr(order, "discount", None) or Decimal("0.00")
    return max(order.subtotal - discount, Decimal("0.00"))
