"""The anonymous page cache never mixes storefronts, visitors or catalog versions."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from storefront.models import Product
from storefront.selectors import catalog_cache_bump
from tests.conftest import ALICE_HOST, BOB_HOST

pytestmark = pytest.mark.django_db


def test_cached_category_page_is_per_storefront(client, alice, bob, make_product):
    make_product("Vanilla Candle")
    alice_page = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    bob_page = client.get("/c/candles/", HTTP_HOST=BOB_HOST)
    assert "Alice&#x27;s Attic" in alice_page.text
    assert "Bob&#x27;s Barn" in bob_page.text
    assert "Alice&#x27;s Attic" not in bob_page.text
    assert "Cookie" in bob_page["Vary"]


def test_second_anonymous_visit_is_served_from_cache(client, alice, make_product):
    make_product("Vanilla Candle")
    first = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    with CaptureQueriesContext(connection) as captured:
        second = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert len(captured) == 0
    assert second.content == first.content
    assert not second.cookies


def test_visitor_with_a_cart_sees_their_own_cart_count(client, alice, make_product):
    candle = make_product("Vanilla Candle")
    client.get("/c/candles/", HTTP_HOST=ALICE_HOST)  # cached for anonymous visitors
    client.post("/cart/add/", {"product_id": candle.pk, "quantity": "3"}, HTTP_HOST=ALICE_HOST)
    page = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert '<span class="cart-count">3</span>' in page.text


def test_catalog_change_shows_at_once(client, alice, make_product):
    candle = make_product("Vanilla Candle", price="10.00")
    assert "$10.00" in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
    Product.objects.filter(pk=candle.pk).update(price="12.00")
    catalog_cache_bump()  # what every catalog write does after commit
    assert "$12.00" in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text


def page_entries() -> int:
    return sum(":page:" in key for key in caches["default"]._cache)


def test_privacy_signals_get_their_own_cache_entry(client, alice, make_product):
    make_product("Vanilla Candle")
    client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert page_entries() == 1
    client.get("/c/candles/", HTTP_HOST=ALICE_HOST, HTTP_SEC_GPC="1")
    client.get("/c/candles/", HTTP_HOST=ALICE_HOST, HTTP_DNT="1")
    assert page_entries() == 3


def test_visitor_with_any_cookie_is_never_cached(client, alice, make_product):
    make_product("Vanilla Candle")
    client.cookies["analytics_optout"] = "1"
    client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert page_entries() == 0


def test_page_with_analytics_has_no_inline_script_so_a_cached_copy_stays_valid(
    client, alice, make_product, settings
):
    settings.GA_MEASUREMENT_ID = "G-TEST1234"
    make_product("Vanilla Candle")
    first = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert "googletagmanager.com/gtag/js?id=G-TEST1234" in first.text
    # Every script is a file (no inline code, no nonce), so the page can be reused
    # under the next response's Content-Security-Policy.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", first.text) == []
    second = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert second.text == first.text
    assert "https://www.googletagmanager.com" in second["Content-Security-Policy"]


def test_head_requests_are_answered(client, alice, make_product):
    candle = make_product("Vanilla Candle")
    for path in ("/", "/c/candles/", f"/p/{candle.slug}/", "/search/?q=x", "/cart/"):
        assert client.head(path, HTTP_HOST=ALICE_HOST).status_code == 200
