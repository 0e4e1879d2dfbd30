"""Pages for a shopper with a session: rendered at the origin, private, never stale.

A session means a cookie, so the HTTP cache passes these requests (issue 23); the
origin answers `Cache-Control: private` within a small query budget, and prices, names
and shipping methods edited anywhere show at the next request.
"""

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import ShippingMethod
from storefront.models import Product, ProductVariant
from tests.conftest import ALICE_HOST

pytestmark = pytest.mark.django_db

# Queries of a page for a shopper with a cart, once the shared cache is warm: the
# session, the cart's variants and their pictures, read fresh on every request (no
# per-process memo since issue 23), and the cart page's totals.
SESSION_PAGE_QUERY_BUDGET = 7


def cart_add(client, product, quantity="1"):
    response = client.post(
        "/cart/add/", {"product_id": product.pk, "quantity": quantity}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 302
    client.get("/cart/", HTTP_HOST=ALICE_HOST)  # shows (and consumes) the "Added" message


@pytest.fixture
def candle(alice, make_product):
    return make_product("Vanilla Candle", price="10.00", stock=5)


@pytest.mark.parametrize("path", ["/", "/c/candles/", "/p/SLUG/", "/search/?q=vanilla", "/cart/"])
def test_page_with_a_cart_is_private_and_within_its_query_budget(client, candle, path):
    path = path.replace("SLUG", candle.slug)
    cart_add(client, candle, "2")
    client.get(path, HTTP_HOST=ALICE_HOST)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert len(captured) <= SESSION_PAGE_QUERY_BUDGET, [q["sql"] for q in captured]
    assert "public" not in response.get("Cache-Control", "") and "xkey" not in response
    assert not response.cookies


def test_cart_totals_follow_a_shipping_method_edit_at_once(client, candle):
    cart_add(client, candle, "2")
    standard = ShippingMethod.objects.filter(active=True).first()
    before = client.get("/cart/", HTTP_HOST=ALICE_HOST).text
    assert f"${standard.price}" in before
    standard.price = Decimal("7.77")
    standard.save()
    assert "$7.77" in client.get("/cart/", HTTP_HOST=ALICE_HOST).text


def test_free_shipping_hint_follows_a_queryset_update_of_shipping_methods_at_once(client, candle):
    url = f"/p/{candle.slug}/"
    cart_add(client, candle, "2")  # $20.00 of merchandise
    standard = ShippingMethod.objects.filter(active=True).first()
    ShippingMethod.objects.filter(pk=standard.pk).update(free_above=Decimal("25.00"))
    assert "You are $5.00 away from free" in client.get(url, HTTP_HOST=ALICE_HOST).text
    ShippingMethod.objects.filter(pk=standard.pk).update(free_above=Decimal("15.00"))
    assert "Your order ships free" in client.get(url, HTTP_HOST=ALICE_HOST).text


def test_cart_totals_follow_a_product_rename_and_a_variant_going_off_sale_at_once(client, candle):
    cart_add(client, candle, "2")
    assert "Vanilla Candle" in client.get("/cart/", HTTP_HOST=ALICE_HOST).text
    Product.objects.filter(pk=candle.pk).update(name="Cedar Candle")
    assert "Cedar Candle" in client.get("/cart/", HTTP_HOST=ALICE_HOST).text
    ProductVariant.objects.filter(product=candle).update(active=False)
    page = client.get("/cart/", HTTP_HOST=ALICE_HOST).text
    assert "$20.00" not in page


# --- Each shopper's own cart ------------------------------------------------------
def test_cart_count_follows_every_change_of_the_session(client, candle):
    url = f"/p/{candle.slug}/"
    cart_add(client, candle, "1")
    assert '<span class="cart-count">1</span>' in client.get(url, HTTP_HOST=ALICE_HOST).text
    assert '<span class="cart-count">1</span>' in client.get(url, HTTP_HOST=ALICE_HOST).text
    cart_add(client, candle, "2")
    assert '<span class="cart-count">3</span>' in client.get(url, HTTP_HOST=ALICE_HOST).text


def test_two_shoppers_never_see_each_others_cart(client, candle, make_product):
    from django.test import Client

    other = Client()
    cart_add(client, candle, "2")
    cart_add(other, candle, "1")
    for _ in range(2):
        mine = client.get("/", HTTP_HOST=ALICE_HOST).text
        theirs = other.get("/", HTTP_HOST=ALICE_HOST).text
        assert '<span class="cart-count">2</span>' in mine
        assert '<span class="cart-count">1</span>' in theirs


def test_a_discount_code_switched_off_leaves_the_cart_at_once(client, candle):
    from orders.discounts.models import DiscountCode

    code = DiscountCode.objects.create(code="FIVEOFF", kind="fixed", value=Decimal("5"))
    cart_add(client, candle, "2")
    client.post("/cart/discount/", {"code": "FIVEOFF"}, HTTP_HOST=ALICE_HOST)
    assert "Code FIVEOFF applied" in client.get("/cart/", HTTP_HOST=ALICE_HOST).text
    assert "Code FIVEOFF applied" in client.get("/cart/", HTTP_HOST=ALICE_HOST).text
    DiscountCode.objects.filter(pk=code.pk).update(active=False)  # no version covers codes
    assert "Code FIVEOFF applied" not in client.get("/cart/", HTTP_HOST=ALICE_HOST).text


def test_the_cart_page_is_each_shoppers_own_and_follows_their_cart(client, candle, make_product):
    from django.test import Client

    soap = make_product("Lemon Soap", price="4.00")
    cart_add(client, candle, "1")
    other = Client()
    assert "Your cart is empty" in other.get("/cart/", HTTP_HOST=ALICE_HOST).text
    assert "Your cart is empty" in other.get("/cart/", HTTP_HOST=ALICE_HOST).text
    assert "Vanilla Candle" in client.get("/cart/", HTTP_HOST=ALICE_HOST).text
    cart_add(client, soap, "1")
    page = client.get("/cart/", HTTP_HOST=ALICE_HOST).text
    assert "Vanilla Candle" in page and "Lemon Soap" in page


def test_free_shipping_hint_for_a_cart_whose_lines_went_off_sale_speaks_of_an_empty_cart(
    client, candle, make_product
):
    url = f"/p/{make_product('Tea mug').slug}/"
    cart_add(client, candle, "2")
    standard = ShippingMethod.objects.filter(active=True).first()
    ShippingMethod.objects.filter(pk=standard.pk).update(free_above=Decimal("25.00"))
    assert "You are $5.00 away from free" in client.get(url, HTTP_HOST=ALICE_HOST).text
    ProductVariant.objects.filter(product=candle).update(active=False)
    page = client.get(url, HTTP_HOST=ALICE_HOST).text
    assert "shipping on orders from $25.00" in page
    assert "away from free" not in page


def test_the_cart_page_reads_the_carts_variants_once_then_from_the_shared_cache(
    client, candle, make_product
):
    cart_add(client, candle, "2")
    cart_add(client, make_product("Tea mug", price="8.00"), "1")
    caches["shared"].clear()
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/cart/", HTTP_HOST=ALICE_HOST)
    assert "Vanilla Candle" in page.text and "Tea mug" in page.text and "$28.00" in page.text
    variant_reads = [q["sql"] for q in captured if 'FROM "storefront_productvariant"' in q["sql"]]
    # One read for the lines (dropping what went off sale, then showing the rest) and
    # the totals alike; the next page reads none.
    assert len(variant_reads) == 1, variant_reads
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/cart/", HTTP_HOST=ALICE_HOST)
    assert "Vanilla Candle" in page.text and "Tea mug" in page.text and "$28.00" in page.text
    assert not [q["sql"] for q in captured if "storefront_product" in q["sql"]]


def test_the_cart_page_drops_a_line_gone_off_sale_and_shows_the_rest(client, candle, make_product):
    mug = make_product("Tea mug", price="8.00")
    cart_add(client, candle, "2")
    cart_add(client, mug, "1")
    Product.objects.filter(pk=mug.pk).update(active=False)
    page = client.get("/cart/", HTTP_HOST=ALICE_HOST).text
    assert "Tea mug is no longer available and was removed from your cart" in page
    assert "Vanilla Candle" in page and "$20.00" in page and "$28.00" not in page
