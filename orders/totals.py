"""The one totals calculation: merchandise − discount + shipping + tax = total.

Cart, checkout, placement, the gateway request, emails, order pages, the back office
and the admin all show figures from here (or stored by placement from here), so the
amount the gateway charges is the total the shopper saw.

- merchandise: Σ unit price × quantity (catalog prices);
- discount: the code's amount (merchandise only, never gift-card products: a card
  bought at a discount would still be issued at face value), allocated to the other
  lines in proportion to their merchandise, largest remainder to the cent, so lines
  add up exactly;
- shipping: the chosen method's price, free when merchandise after discount reaches
  its `free_above`;
- tax: per line on (line merchandise − line discount), see `orders/tax/engines.py`;
- gift card / store credit: a *payment*, not a discount. The total and its tax are
  unchanged (tax is on the goods); the card pays up to the total less the gift-card
  products' own lines (a card cannot buy another card), never below zero, and
  `amount_due` = total − gift card is what the gateway charges;
- commission base (for earnings): merchandise after discount, no tax, no shipping;
  a company-funded discount (a host reward code) is not taken off it unless
  EARNINGS_COMPANY_FUNDED_DISCOUNTS_LOWER_BASE says so (`commission_base_of`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from .models import ShippingMethod, commission_base_of
from .tax.engines import Destination, RateTableEngine, TaxableLine, tax_engine_get

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PricedItem:
    """One cart line as the catalog prices it now."""

    product_id: int
    sku: str
    name: str
    unit_price: Decimal
    quantity: int
    taxable: bool = True
    variant_id: int | None = None  # what is bought (stock is per variant)
    variant_label: str = ""  # "Cedar, 16 oz"; "" for a single-variant product
    is_giftcard: bool = False  # a gift-card product: gift cards cannot pay for it

    @property
    def merchandise(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class TotalsLine:
    item: PricedItem
    discount: Decimal
    tax: Decimal

    @property
    def merchandise(self) -> Decimal:
        return self.item.merchandise

    @property
    def net(self) -> Decimal:
        return self.item.merchandise - self.discount


@dataclass(frozen=True)
class Totals:
    lines: tuple[TotalsLine, ...]
    merchandise: Decimal
    discount: Decimal
    discount_code: str
    shipping: Decimal
    shipping_method: ShippingMethod | None
    tax: Decimal
    tax_rate: Decimal  # percent, as quoted
    tax_known: bool  # a destination was given
    tax_is_estimate: bool
    tax_engine: str
    currency: str = "USD"
    discount_company_funded: bool = False
    giftcard: Decimal = ZERO  # paid by gift card / store credit (a payment)

    @property
    def total(self) -> Decimal:
        return self.merchandise - self.discount + self.shipping + self.tax

    @property
    def amount_due(self) -> Decimal:
        """What is left for the gateway to charge once the gift card has paid."""
        return self.total - self.giftcard

    @property
    def merchandise_after_discount(self) -> Decimal:
        return self.merchandise - self.discount

    @property
    def commission_base(self) -> Decimal:
        """What earnings are paid on (`commission_base_of`): no tax, no shipping."""
        return commission_base_of(
            merchandise=self.merchandise,
            discount=self.discount,
            discount_company_funded=self.discount_company_funded,
        )

    @property
    def free_shipping_remaining(self) -> Decimal | None:
        """How much more merchandise makes the chosen method free (None: never / already)."""
        return free_shipping_remaining(self.shipping_method, self.merchandise_after_discount)


def discountable_merchandise(items: Sequence[PricedItem]) -> Decimal:
    """What a discount may apply to: the merchandise of everything but gift cards (the
    items must be marked: `orders.selectors.giftcards_marked`)."""
    return sum((i.merchandise for i in items if not i.is_giftcard), start=ZERO)


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` over `weights` in proportion, in cents, adding up exactly.

    Each share is rounded down to the cent, then the cents left over go to the
    largest remainders (ties to the earlier line).
    """
    total = sum(weights, start=ZERO)
    if not weights or total <= 0 or amount <= 0:
        return [ZERO for _ in weights]
    cents = int((amount / CENT).to_integral_value())
    raw = [Decimal(cents) * w / total for w in weights]
    floors = [int(r) for r in raw]
    left = cents - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(f) * CENT for f in floors]


def shipping_price(method: ShippingMethod | None, merchandise_after_discount: Decimal) -> Decimal:
    if method is None:
        return ZERO
    if method.free_above is not None and merchandise_after_discount >= method.free_above:
        return ZERO
    return method.price.quantize(CENT)


def free_shipping_remaining(
    method: ShippingMethod | None, merchandise_after_discount: Decimal
) -> Decimal | None:
    if method is None or method.free_above is None:
        return None
    remaining = method.free_above - merchandise_after_discount
    return remaining.quantize(CENT) if remaining > 0 else None


def totals_calculate(
    *,
    items: Sequence[PricedItem],
    shipping_method: ShippingMethod | None,
    discount_amount: Decimal = ZERO,
    discount_code: str = "",
    destination: Destination | None = None,
    tax_engine: RateTableEngine | None = None,
    discount_company_funded: bool = False,
    giftcard_available: Decimal = ZERO,
) -> Totals:
    """The totals for these items; `discount_amount` comes from the discount rules,
    `giftcard_available` from the gift card's and store credit's balances."""
    engine = tax_engine or tax_engine_get()
    merchandise = sum((i.merchandise for i in items), start=ZERO)
    weights = [discountable_merchandise([i]) for i in items]
    discountable = sum(weights, start=ZERO)
    discount = max(ZERO, min(discount_amount.quantize(CENT, rounding=ROUND_HALF_UP), discountable))
    shares = allocate(discount, weights)
    quote = engine.quote(
        lines=[
            TaxableLine(net=i.merchandise - d, taxable=i.taxable)
            for i, d in zip(items, shares, strict=True)
        ],
        destination=destination,
    )
    lines = tuple(
        TotalsLine(item=i, discount=d, tax=t)
        for i, d, t in zip(items, shares, quote.line_taxes, strict=True)
    )
    shipping = shipping_price(shipping_method, merchandise - discount) if items else ZERO
    total = merchandise - discount + shipping + quote.total
    return Totals(
        lines=lines,
        merchandise=merchandise,
        discount=discount,
        discount_code=discount_code if discount > 0 else "",
        shipping=shipping,
        shipping_method=shipping_method,
        tax=quote.total,
        tax_rate=quote.rate,
        tax_known=destination is not None,
        tax_is_estimate=quote.is_estimate,
        tax_engine=engine.name,
        discount_company_funded=discount_company_funded and discount > 0,
        giftcard=giftcard_payable(lines=lines, total=total, available=giftcard_available),
    )


def giftcard_payable(*, lines: Sequence[TotalsLine], total: Decimal, available: Decimal) -> Decimal:
    """How much of `total` a gift card / store credit holding `available` pays: all of
    it but the gift-card products' own lines (net + tax), never below zero."""
    if available <= 0:
        return ZERO
    cards_bought = sum((ln.net + ln.tax for ln in lines if ln.item.is_giftcard), start=ZERO)
    return max(ZERO, min(available.quantize(CENT, rounding=ROUND_DOWN), total - cards_bought))


def refund_tax_part(*, tax: Decimal, total: Decimal, refunded_total: Decimal) -> Decimal:
    """The tax inside a cumulative refunded total: in proportion, half-up to the cent.

    Computed on the cumulative total (not per refund), so the parts of successive
    partial refunds always add up to exactly the order's tax when it is fully refunded.
    """
    if total <= 0 or tax <= 0 or refunded_total <= 0:
        return ZERO
    if refunded_total >= total:
        return tax
    return min(tax, (tax * refunded_total / total).quantize(CENT, rounding=ROUND_HALF_UP))
