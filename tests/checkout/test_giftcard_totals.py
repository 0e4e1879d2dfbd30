"""The one totals calculation with a gift card: a payment line, never a discount."""

from __future__ import annotations

from decimal import Decimal

from orders.tax.engines import Destination, RateTableEngine
from orders.totals import PricedItem, totals_calculate

D = Decimal


class FlatTen(RateTableEngine):
    """10 % on taxable lines, wherever they go (no database)."""

    def quote(self, *, lines, destination):
        from orders.tax.engines import TaxQuote, line_tax

        rate = D("10")
        return TaxQuote(
            line_taxes=tuple(line_tax(ln.net, rate) if ln.taxable else D("0.00") for ln in lines),
            rate=rate,
            is_estimate=False,
        )


CANDLE = PricedItem(product_id=1, sku="C", name="Candle", unit_price=D("20.00"), quantity=2)
CARD = PricedItem(
    product_id=2,
    sku="G",
    name="Gift card",
    unit_price=D("25.00"),
    quantity=1,
    taxable=False,
    is_giftcard=True,
)


def _totals(items, available, discount=D("0.00")):
    return totals_calculate(
        items=items,
        shipping_method=None,
        discount_amount=discount,
        destination=Destination(state="TX", postal_code="78701"),
        tax_engine=FlatTen(),
        giftcard_available=available,
    )


def test_the_card_leaves_total_and_tax_as_they_are_and_lowers_what_is_due():
    without, with_card = _totals([CANDLE], D("0")), _totals([CANDLE], D("15.00"))
    assert (
        (with_card.total, with_card.tax) == (without.total, without.tax) == (D("44.00"), D("4.00"))
    )
    assert (with_card.giftcard, with_card.amount_due) == (D("15.00"), D("29.00"))


def test_the_card_pays_at_most_the_total_and_never_below_zero():
    assert (_totals([CANDLE], D("500")).giftcard, _totals([CANDLE], D("500")).amount_due) == (
        D("44.00"),
        D("0.00"),
    )
    assert _totals([CANDLE], D("-5")).giftcard == D("0.00")
    assert _totals([CANDLE], D("0.009")).giftcard == D("0.00")  # cents only, rounded down


def test_a_card_never_pays_for_gift_card_products():
    totals = _totals([CANDLE, CARD], D("500"))
    assert totals.total == D("69.00")
    assert (totals.giftcard, totals.amount_due) == (D("44.00"), D("25.00"))
    assert _totals([CARD], D("500")).giftcard == D("0.00")


def test_a_discount_lowers_the_goods_and_their_tax_the_card_only_pays():
    totals = _totals([CANDLE], D("10.00"), discount=D("10.00"))
    assert (totals.discount, totals.tax, totals.total) == (D("10.00"), D("3.00"), D("33.00"))
    assert totals.amount_due == D("23.00")
