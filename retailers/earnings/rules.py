"""The commission arithmetic, in one place (pure functions: no database writes).

Rounding rule: each line's commission is computed exactly (Decimal) and the order's
commission is rounded once, half up, to the cent. A refund claws back the share of the
accrued commission that the refunded amount is of the order total, rounded the same way;
the clawbacks of an order always add up to at most its accrual (a full refund: exactly).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineBase:
    """One order line's share of the commission base, and the rate that applies to it."""

    base: Decimal
    rate: Decimal  # percent


def lines_base(
    *, line_totals: Iterable[tuple[Decimal, Decimal]], discount: Decimal
) -> list[LineBase]:
    """Spread an order-level discount over the lines in proportion to their totals.

    `line_totals` is (line merchandise total, rate %) per line; the result's bases add up
    to merchandise − discount exactly (the last line takes the rounding remainder).
    """
    items = list(line_totals)
    merchandise = sum((total for total, _ in items), Decimal("0"))
    target = max(merchandise - discount, Decimal("0"))
    if merchandise <= 0:
        return [LineBase(Decimal("0.00"), rate) for _, rate in items]
    out: list[LineBase] = []
    spent = Decimal("0")
    for index, (total, rate) in enumerate(items):
        if index == len(items) - 1:
            base = target - spent
        else:
            base = cents(total * target / merchandise)
            spent += base
        out.append(LineBase(base, rate))
    return out


def commission_for(bases: Iterable[LineBase]) -> Decimal:
    return cents(sum((b.base * b.rate / HUNDRED for b in bases), Decimal("0")))


def clawback_target(*, accrued: Decimal, refunded: Decimal, order_total: Decimal) -> Decimal:
    """How much of `accrued` is taken back once `refunded` of `order_total` was refunded."""
    if order_total <= 0 or refunded <= 0:
        return Decimal("0.00")
    if refunded >= order_total:
        return accrued
    return cents(accrued * refunded / order_total)
