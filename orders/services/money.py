"""Money helpers: Decimal in the database, integer minor units at the gateway."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_minor(amount: Decimal) -> int:
    """Dollars to cents (USD and every 2-decimal currency we sell in)."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(amount: int) -> Decimal:
    return (Decimal(amount) / 100).quantize(CENT)


def commission_base(order) -> Decimal:
    """An order's commission base: merchandise after discount, never tax or shipping.

    One rule, one home: `Order.commission_base` (the stored twin of
    `orders.totals.Totals.commission_base`); this is the function earnings calls.
    """
    return order.commission_base
