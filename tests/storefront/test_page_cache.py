"""The anonymous page cache never mixes storefronts, visitors or catalog versions."""

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


def test_page_that_used_the_csp_nonce_is_not_cached(rf, alice):
    """Defence in depth: an inline script's nonce belongs to one response only."""
    from django.http import HttpResponse
    from django.utils.csp import LazyNonce

    from storefront.views import cache_anonymous_page

    @cache_anonymous_page
    def page_with_inline_script(request):
        return HttpResponse(f'<script nonce="{request._csp_nonce}"></script>')

    @cache_anonymous_page
    def plain_page(request):
        return HttpResponse("<p>plain</p>")

    def get(path):
        request = rf.get(path, HTTP_HOST=ALICE_HOST)
        request._csp_nonce = LazyNonce()
        return request

    first = page_with_inline_script(get("/with-script/")).content
    assert page_entries() == 0
    assert page_with_inline_script(get("/with-script/")).content != first
    plain_page(get("/plain/"))
    assert page_entries() == 1


def test_analytics_on_still_keeps_browsing_cached_and_cookie_free(
    client, alice, make_product, settings
):
    settings.GA_MEASUREMENT_ID = "G-TEST1234"
    make_product("Vanilla Candle")
    response = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert not response.cookies
    assert page_entries() == 1


def test_head_requests_are_answered(client, alice, make_product):
    candle = make_product("Vanilla Candle")
    for path in ("/", "/c/candles/", f"/p/{candle.slug}/", "/search/?q=x", "/cart/"):
        assert client.head(path, HTTP_HOST=ALICE_HOST).status_code == 200
