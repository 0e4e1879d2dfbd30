"""A discount never applies to gift cards: a card bought with a 10 % code would still be
issued at face value, so the shop would give away the discount in cash."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders.discounts.models import DiscountCode
from orders.services import CheckoutError, order_place
from orders.totals import PricedItem, totals_calculate
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST
from tests.factories import CustomerDetailsFactory
from tests.orders.conftest import cart_fill

pytestmark = pytest.mark.django_db

D = Decimal
CANDLE = PricedItem(product_id=1, sku="C", name="Candle", unit_price=D("20.00"), quantity=2)
CARD = PricedItem(
    product_id=2, sku="G", name="Gift card", unit_price=D("50.00"), quantity=1, is_giftcard=True
)


def _totals(items, discount):
    return totals_calculate(items=items, shipping_method=None, discount_amount=D(discount))


def test_the_one_calculation_spreads_a_discount_over_everything_but_gift_cards():
    totals = _totals([CANDLE, CARD], "9.00")
    assert [ln.discount for ln in totals.lines] == [D("9.00"), D("0.00")]
    # Never more than the merchandise a discount may apply to.
    assert _totals([CANDLE, CARD], "75.00").discount == D("40.00")
    assert _totals([CARD], "5.00").discount == D("0.00")


@pytest.fixture
def welcome10(db) -> DiscountCode:
    return DiscountCode.objects.create(code="WELCOME10", kind="percent", value=D("10"))


def test_a_code_takes_its_percentage_of_the_goods_only(alice, candle, gift_card_product, welcome10):
    order = order_place(
        items=[(variant_of(candle).pk, 2), (variant_of(gift_card_product).pk, 1)],
        retailer=alice,
        customer=CustomerDetailsFactory(),
        discount_code="welcome10",
    )
    candle_merchandise = variant_of(candle).price * 2
    assert order.discount == (candle_merchandise / 10).quantize(D("0.01"))
    card_line = order.lines.get(sku="GIFT-25")
    assert (card_line.discount, card_line.unit_price) == (D("0.00"), D("25.00"))


def test_a_code_on_gift_cards_alone_is_explained_and_nothing_is_lost(
    client, alice, gift_card_product, welcome10
):
    with pytest.raises(CheckoutError) as refused:
        order_place(
            items=[(variant_of(gift_card_product).pk, 2)],
            retailer=alice,
            customer=CustomerDetailsFactory(),
            discount_code="WELCOME10",
        )
    assert "don't apply to gift cards" in str(refused.value.detail)
    # The cart says so when the code is entered, and keeps the cart.
    cart_fill(client, {gift_card_product: 2})
    session_before = dict(client.session.items())
    response = client.post(
        "/cart/discount/", {"code": "WELCOME10"}, HTTP_HOST=ALICE_HOST, follow=True
    )
    assert "Code WELCOME10 not applied: Discount codes don&#x27;t apply to gift cards." in (
        response.text
    )
    assert dict(client.session.items()) == session_before


def test_the_checkout_preview_leaves_gift_cards_undiscounted(
    client, alice, candle, gift_card_product, welcome10
):
    cart_fill(client, {candle: 2, gift_card_product: 1})
    client.post("/cart/discount/", {"code": "WELCOME10"}, HTTP_HOST=ALICE_HOST)
    page = client.get("/checkout/", HTTP_HOST=ALICE_HOST).text
    discount = (variant_of(candle).price * 2 / 10).quantize(D("0.01"))
    assert f"−${discount}" in page
