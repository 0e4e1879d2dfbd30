"""What the origin tells the HTTP cache (storefront/caching.py): anonymous storefront
pages are public with surrogate keys naming what they show; anything with a cookie, a
flash message, a CSP nonce or an error is private."""

import pytest
from django.http import HttpResponse
from django.utils.csp import LazyNonce

from storefront.caching import shared_page
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def candle(alice, make_product):
    return make_product("Vanilla Candle", price="10.00", stock=5)


def xkeys(response) -> set[str]:
    return set(response["xkey"].split())


def test_an_anonymous_product_page_is_public_with_its_keys(client, candle):
    response = client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST)
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=300"
    assert {f"product-{candle.pk}", "storefront-alice", "menu", "policy"} <= xkeys(response)
    assert {"DNT", "Sec-GPC"} <= {v.strip() for v in response["Vary"].split(",")}
    assert not response.cookies


def test_listings_name_every_product_they_show_and_their_storefront(client, candle, bob):
    category = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert {f"category-{candle.category_id}", f"product-{candle.pk}"} <= xkeys(category)
    bob_home = client.get("/", HTTP_HOST=BOB_HOST)
    assert "storefront-bob" in xkeys(bob_home) and "storefront-alice" not in xkeys(bob_home)
    company = client.get("/", HTTP_HOST=COMPANY_HOST)
    assert "storefront-www" in xkeys(company)


def test_a_request_with_a_cookie_gets_a_private_page(client, candle):
    client.cookies["ss_analytics_optout"] = "1"
    response = client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST)
    assert "private" in response["Cache-Control"] and "xkey" not in response


def test_a_missing_page_is_not_shared(client, alice):
    response = client.get("/p/no-such-thing/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 404 and "xkey" not in response


def test_a_page_that_used_the_csp_nonce_is_private(rf, alice):
    @shared_page
    def view(request):
        return HttpResponse(f"<script nonce='{request._csp_nonce}'></script>")

    request = rf.get("/")
    request.tenant, request._csp_nonce = alice, LazyNonce()
    assert "private" in view(request)["Cache-Control"]
    plain = rf.get("/")
    plain.tenant, plain._csp_nonce = alice, LazyNonce()

    @shared_page
    def plain_view(request):
        return HttpResponse("hello")

    assert "public" in plain_view(plain)["Cache-Control"]


def test_a_response_that_sets_a_cookie_is_private(rf, alice):
    @shared_page
    def view(request):
        response = HttpResponse("hello")
        response.set_cookie("x", "1")
        return response

    request = rf.get("/")
    request.tenant = alice
    assert "private" in view(request)["Cache-Control"]


def test_a_page_a_shared_cache_may_keep_reads_the_primary_where_the_replica_may_serve(rf, alice):
    """A page rendered from a replica that has not replayed a write would be kept after
    the write's purge (tests/ops/test_replica.py shows it with a real replica)."""
    from shopsocial import db_router

    seen = []

    @shared_page
    def view(request):
        seen.append(db_router._replica_ok.get())
        return HttpResponse("hello")

    request = rf.get("/")
    request.tenant = alice
    with db_router.replica_reads():
        view(request)
        assert db_router._replica_ok.get() is True  # the rest of the request may
    assert seen == [False]
