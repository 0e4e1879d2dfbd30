"""The cart: kept in the session per storefront, prices re-read, bounded by stock."""

from decimal import Decimal

import pytest

from storefront.models import Product, ProductVariant
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, BOB_HOST

pytestmark = pytest.mark.django_db


def add(client, product, quantity, host=ALICE_HOST):
    return client.post(
        "/cart/add/", {"product_id": str(product.pk), "quantity": str(quantity)}, HTTP_HOST=host
    )


def cart_items(client, host_schema="r_alice"):
    """The session's cart as {product id: quantity} (it stores variant ids)."""
    items = client.session.get(f"cart:{host_schema}:variants", {})
    products = dict(
        ProductVariant.objects.filter(pk__in=[int(pk) for pk in items]).values_list(
            "pk", "product_id"
        )
    )
    return {str(products[int(pk)]): qty for pk, qty in items.items()}


def test_shopper_adds_product_and_sees_line_and_subtotal(client, alice, make_product):
    candle = make_product("Vanilla Candle", price="19.95", stock=5)
    response = add(client, candle, 2)
    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    assert cart_items(client) == {str(candle.pk): 2}
    page = client.get("/cart/", HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    assert "Vanilla Candle" in page.text
    assert "$39.90" in page.text
    assert 'href="/checkout/"' in page.text
    assert '<span class="cart-count">2</span>' in page.text


def test_adding_same_product_twice_adds_up(client, alice, make_product):
    candle = make_product(stock=5)
    add(client, candle, 2)
    add(client, candle, 1)
    assert cart_items(client) == {str(candle.pk): 3}


def test_cart_page_uses_current_catalog_price(client, alice, make_product):
    candle = make_product(price="10.00")
    add(client, candle, 3)
    ProductVariant.objects.filter(product=candle).update(price=Decimal("12.50"))
    page = client.get("/cart/", HTTP_HOST=ALICE_HOST)
    assert "$12.50" in page.text
    assert "$37.50" in page.text
    assert "$30.00" not in page.text


def test_shopper_cannot_add_more_than_stock(client, alice, make_product):
    candle = make_product("Tall Candle", stock=3)
    add(client, candle, 2)
    response = add(client, candle, 2)
    assert response.status_code == 400
    assert "Only 3 of Tall Candle in stock and you already have 2 in your cart." in response.text
    assert 'value="2"' in response.text  # what the shopper typed is kept
    assert cart_items(client) == {str(candle.pk): 2}


def test_out_of_stock_product_cannot_be_added(client, alice, make_product):
    candle = make_product("Gone Candle", stock=0)
    response = add(client, candle, 1)
    assert response.status_code == 400
    assert "Sorry, Gone Candle is out of stock." in response.text
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("abc", "Please enter a whole number."),
        ("-1", "Please enter a quantity of at least 1."),
        ("0", "Please enter a quantity of at least 1."),
        ("1.5", "Please enter a whole number."),
        ("", "Please enter a quantity."),
        ("100000000000000000000000", "You can order at most 99 of one item."),
        ("²", "Please enter a whole number."),
    ],
)
def test_bad_quantity_on_add_is_refused_with_message(
    client, alice, make_product, quantity, message
):
    candle = make_product(stock=5)
    add(client, candle, 1)
    response = add(client, candle, quantity)
    assert response.status_code == 400
    assert message in response.text
    assert cart_items(client) == {str(candle.pk): 1}


@pytest.mark.parametrize("product_id", ["999999", "abc", "", "-3", "9" * 40, "²", "١٢"])
def test_add_unknown_product_is_404(client, alice, make_product, product_id):
    response = client.post(
        "/cart/add/", {"product_id": product_id, "quantity": "1"}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 404


def test_add_deactivated_product_is_refused_with_message(client, alice, make_product):
    candle = make_product("Retired Candle", active=False)
    response = add(client, candle, 1)
    assert response.status_code == 302
    page = client.get("/cart/", HTTP_HOST=ALICE_HOST)
    assert "Sorry, Retired Candle is no longer available." in page.text
    assert cart_items(client) == {}


def test_shopper_changes_quantity(client, alice, make_product):
    candle = make_product(price="4.00", stock=10)
    add(client, candle, 1)
    response = client.post(
        "/cart/update/",
        {"variant_id": variant_of(candle).pk, "quantity": "4"},
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 302
    assert cart_items(client) == {str(candle.pk): 4}
    assert "$16.00" in client.get("/cart/", HTTP_HOST=ALICE_HOST).text


def test_quantity_zero_removes_line(client, alice, make_product):
    candle = make_product()
    add(client, candle, 2)
    client.post(
        "/cart/update/",
        {"variant_id": variant_of(candle).pk, "quantity": "0"},
        HTTP_HOST=ALICE_HOST,
    )
    assert cart_items(client) == {}


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("-2", "Please enter a quantity of at least 0."),
        ("two", "Please enter a whole number."),
        ("11", "Only 10 of"),
    ],
)
def test_bad_quantity_change_keeps_cart_and_typed_value(
    client, alice, make_product, quantity, message
):
    candle = make_product(stock=10)
    add(client, candle, 2)
    response = client.post(
        "/cart/update/",
        {"variant_id": variant_of(candle).pk, "quantity": quantity},
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 400
    assert message in response.text
    assert f'value="{quantity}"' in response.text
    assert cart_items(client) == {str(candle.pk): 2}


def test_update_of_item_not_in_cart_is_refused(client, alice, make_product):
    candle, other = make_product(), make_product()
    add(client, candle, 1)
    response = client.post(
        "/cart/update/", {"variant_id": variant_of(other).pk, "quantity": "1"}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 400
    assert "That item is not in your cart." in response.text
    assert cart_items(client) == {str(candle.pk): 1}


def test_shopper_removes_line(client, alice, make_product):
    candle, mug = make_product(), make_product()
    add(client, candle, 1)
    add(client, mug, 1)
    response = client.post(
        "/cart/remove/", {"variant_id": variant_of(candle).pk}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 302
    assert cart_items(client) == {str(mug.pk): 1}


def test_deactivated_product_is_dropped_from_cart_with_message(client, alice, make_product):
    candle = make_product("Retired Candle", price="5.00")
    mug = make_product("Blue Mug", price="7.00")
    add(client, candle, 1)
    add(client, mug, 2)
    Product.objects.filter(pk=candle.pk).update(active=False)
    page = client.get("/cart/", HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    assert "Retired Candle is no longer available and was removed from your cart." in page.text
    assert "$14.00" in page.text
    assert cart_items(client) == {str(mug.pk): 2}


def test_line_above_stock_after_stock_fell_is_flagged(client, alice, make_product):
    candle = make_product(stock=5)
    add(client, candle, 4)
    ProductVariant.objects.filter(product=candle).update(stock=2)
    page = client.get("/cart/", HTTP_HOST=ALICE_HOST)
    assert "Only 2 in stock: please lower the quantity." in page.text


def test_each_storefront_has_its_own_cart(client, alice, bob, make_product):
    candle = make_product("Shared Candle")
    add(client, candle, 1, host=ALICE_HOST)
    bob_cart = client.get("/cart/", HTTP_HOST=BOB_HOST)
    assert "Your cart is empty." in bob_cart.text
    assert '<span class="cart-count">0</span>' in bob_cart.text
    assert cart_items(client, "r_bob") == {}


def test_cart_pages_refuse_get_for_writes(client, alice, make_product):
    assert client.get("/cart/add/", HTTP_HOST=ALICE_HOST).status_code == 405


def test_cart_interface_for_checkout(rf, alice, make_product):
    """The Cart API the checkout builds on."""
    from django.contrib.sessions.backends.db import SessionStore

    from storefront.cart import Cart, CartError

    candle = make_product(price="3.50", stock=4)
    mug = make_product(price="8.00", stock=9)
    request = rf.get("/", HTTP_HOST=ALICE_HOST)
    request.session = SessionStore()
    request.tenant = alice
    cart = Cart(request)
    assert cart.count() == 0 and cart.lines() == []
    candle_v, mug_v = variant_of(candle), variant_of(mug)
    cart.add(candle_v, 2)
    cart.add(mug_v, 1)
    assert cart.count() == 3
    assert cart.variant_ids() == [candle_v.pk, mug_v.pk]
    assert [(line.product.pk, line.quantity, line.unit_price) for line in cart.lines()] == [
        (candle.pk, 2, Decimal("3.50")),
        (mug.pk, 1, Decimal("8.00")),
    ]
    assert cart.subtotal() == Decimal("15.00")
    cart.set_quantity(mug_v.pk, 3)
    assert cart.lines()[1].line_total == Decimal("24.00")
    with pytest.raises(CartError):
        cart.set_quantity(candle_v.pk, 5)
    cart.remove(candle_v.pk)
    assert cart.variant_ids() == [mug_v.pk]
    cart.clear()
    assert cart.count() == 0


@pytest.mark.parametrize("product_id", ["²", "abc", "", "9" * 40])
def test_update_with_junk_product_id_keeps_cart(client, alice, make_product, product_id):
    candle = make_product()
    add(client, candle, 1)
    response = client.post(
        "/cart/update/", {"variant_id": product_id, "quantity": "2"}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 302
    assert cart_items(client) == {str(candle.pk): 1}
    response = client.post("/cart/remove/", {"variant_id": product_id}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 302
    assert cart_items(client) == {str(candle.pk): 1}
