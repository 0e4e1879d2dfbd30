"""The HTTP cache in front, for real: varnishd with deploy/varnish/default.vcl in front of
a live server on the test database (issue 23).

Proves: the second anonymous request is a hit; a request with a cookie, a response
that sets one and a private page are never kept; junk query strings share one object;
DNT/GPC variants are kept apart; a write purges by key after commit, so the next
request shows it; an order on alice's storefront purges nothing on bob's; purges are
refused from outside the ACL.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass

import pytest
from django_tenants.utils import tenant_context

from orders.services import order_place
from shopsocial.serving import free_port
from shopsocial.varnish import Varnishd, varnishd_path
from storefront.content.models import FeaturedProduct
from storefront.models import Product
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, BOB_HOST
from tests.factories import CategoryFactory, CustomerDetailsFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(varnishd_path() is None, reason="varnishd is installed by .ci/run"),
]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def cache(self) -> str:
        return self.headers.get("x-cache", "")


@dataclass
class Front:
    varnish: Varnishd

    def get(self, host: str, path: str, **headers: str) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.varnish.port, timeout=20)
        try:
            connection.request("GET", path, headers={"Host": host, **headers})
            response = connection.getresponse()
            body = response.read().decode()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
        finally:
            connection.close()


@pytest.fixture(scope="module")
def varnish_server(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])
    varnish = Varnishd(port=free_port(), web=("127.0.0.1", port), chat=("127.0.0.1", port))
    varnish.start()
    yield varnish
    varnish.stop()


@pytest.fixture
def front(varnish_server, settings, alice, bob) -> Front:
    settings.VARNISH_PURGE_URLS = [varnish_server.url]
    # Each test starts from an empty cache (the database was flushed between tests).
    from shopsocial import varnish

    varnish.purge(["catalog"])
    return Front(varnish_server)


@pytest.fixture
def candle(make_product) -> Product:
    return make_product("Vanilla Candle", price="10.00", stock=50)


def test_second_anonymous_request_is_a_hit_and_carries_no_cookie(front, candle):
    path = f"/p/{candle.slug}/"
    first = front.get(ALICE_HOST, path)
    second = front.get(ALICE_HOST, path)
    assert (first.status, first.cache, second.cache) == (200, "MISS", "HIT")
    assert second.text == first.text and "Vanilla Candle" in second.text
    assert "set-cookie" not in second.headers and "xkey" not in second.headers
    assert "s-maxage=" in second.headers["cache-control"]


def test_varnish_answers_a_browsers_revalidation_with_a_304_and_no_body(front, candle):
    path = f"/p/{candle.slug}/"
    first = front.get(ALICE_HOST, path)
    etag = first.headers["etag"]
    again = front.get(ALICE_HOST, path, **{"If-None-Match": etag})
    assert (again.status, again.cache, again.text) == (304, "HIT", "")
    candle.name = "Cedar Candle"
    candle.save()  # purged: the old validator no longer matches
    changed = front.get(ALICE_HOST, path, **{"If-None-Match": etag})
    assert changed.status == 200 and "Cedar Candle" in changed.text
    assert changed.headers["etag"] != etag


def test_pages_are_kept_per_storefront(front, candle):
    assert front.get(ALICE_HOST, "/").cache == "MISS"
    assert front.get(BOB_HOST, "/").cache == "MISS"
    alice_page, bob_page = front.get(ALICE_HOST, "/"), front.get(BOB_HOST, "/")
    assert (alice_page.cache, bob_page.cache) == ("HIT", "HIT")
    assert "Attic" in alice_page.text and "Barn" in bob_page.text
    assert "Barn" not in alice_page.text


def test_a_request_with_a_cookie_is_rendered_at_the_origin_and_never_kept(front, candle):
    path = f"/p/{candle.slug}/"
    for _ in range(2):
        answer = front.get(ALICE_HOST, path, Cookie="sessionid=nobody")
        assert (answer.status, answer.cache) == (200, "PASS")
        assert "private" in answer.headers["cache-control"]
    assert front.get(ALICE_HOST, path).cache == "MISS"  # the cookie's page was not stored


@pytest.fixture(scope="module")
def stub_front():
    """Varnish with the project's VCL in front of a stub origin that answers each path
    with the headers it names: what the VCL does whatever the app says."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    answers = {
        "/public": [("Cache-Control", "public, s-maxage=60")],
        "/sets-cookie": [("Cache-Control", "public, s-maxage=60"), ("Set-Cookie", "a=1")],
        "/private": [("Cache-Control", "private, s-maxage=60")],
        "/no-s-maxage": [("Cache-Control", "public, max-age=60")],
    }

    class Origin(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            self.send_response(200)
            for name, value in answers[self.path]:
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    origin = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    port = origin.server_address[1]
    varnish = Varnishd(port=free_port(), web=("127.0.0.1", port), chat=("127.0.0.1", port))
    varnish.start()
    yield Front(varnish)
    varnish.stop()
    origin.shutdown()


@pytest.mark.parametrize("path", ["/sets-cookie", "/private", "/no-s-maxage"])
def test_varnish_never_keeps_a_set_cookie_a_private_or_an_unmarked_response(stub_front, path):
    assert [stub_front.get("x.test", path).cache for _ in range(3)] == ["PASS"] * 3
    assert [stub_front.get("x.test", "/public").cache for _ in range(2)][-1] == "HIT"


def test_varnish_keeps_nothing_for_a_request_with_a_cookie(stub_front):
    answers = [stub_front.get("y.test", "/public", Cookie="a=1").cache for _ in range(2)]
    assert answers == ["PASS", "PASS"]


def test_junk_query_strings_share_one_cached_page(front, candle):
    path = f"/p/{candle.slug}/"
    assert front.get(ALICE_HOST, path).cache == "MISS"
    for junk in ("?utm_source=news&utm_medium=email", "?gclid=abc", "?fbclid=x&utm_campaign=y"):
        assert front.get(ALICE_HOST, path + junk).cache == "HIT", junk
    assert front.get(ALICE_HOST, "/search/?q=vanilla&utm_source=x").cache == "MISS"
    assert front.get(ALICE_HOST, "/search/?q=vanilla").cache == "HIT"


def test_dnt_and_gpc_visitors_get_their_own_variant(front, candle):
    path = f"/p/{candle.slug}/"
    assert front.get(ALICE_HOST, path).cache == "MISS"
    assert front.get(ALICE_HOST, path, DNT="1").cache == "MISS"
    assert front.get(ALICE_HOST, path, **{"Sec-GPC": "1"}).cache == "MISS"
    assert front.get(ALICE_HOST, path, DNT="1").cache == "HIT"
    assert front.get(ALICE_HOST, path, DNT="0").cache == "HIT"  # only "1" means anything


def test_a_product_edit_purges_its_pages_and_the_next_request_shows_it(front, candle):
    product_path, category_path = f"/p/{candle.slug}/", "/c/candles/"
    for path in (product_path, category_path, "/"):
        front.get(ALICE_HOST, path)
        assert front.get(ALICE_HOST, path).cache == "HIT"
    candle.name = "Cedar Candle"
    candle.save()
    product_page = front.get(ALICE_HOST, product_path)
    listing = front.get(ALICE_HOST, category_path)
    assert (product_page.cache, listing.cache) == ("MISS", "MISS")
    assert "Cedar Candle" in product_page.text and "Cedar Candle" in listing.text


def test_a_product_in_a_sub_category_purges_the_parents_listing(front, make_product, category):
    """/c/candles/ lists the products of "Jar Candles" too."""
    jars = CategoryFactory(name="Jar Candles", slug="jar-candles", parent=category)
    for path in ("/c/candles/", "/c/jar-candles/"):
        front.get(ALICE_HOST, path)
        assert front.get(ALICE_HOST, path).cache == "HIT"
    make_product("Cedar Jar", in_category=jars)
    for path in ("/c/candles/", "/c/jar-candles/"):
        listing = front.get(ALICE_HOST, path)
        assert (listing.cache, "Cedar Jar" in listing.text) == ("MISS", True), path


def test_a_featured_product_made_active_again_comes_back_on_the_home_page(
    front, make_product, alice
):
    amber, cedar = make_product("Amber Candle"), make_product("Cedar Candle", active=False)
    with tenant_context(alice):
        FeaturedProduct.objects.all().delete()  # tenant rows outlive the flush
        FeaturedProduct.objects.create(product_id=amber.pk, position=0)
        FeaturedProduct.objects.create(product_id=cedar.pk, position=1)
    try:
        front.get(ALICE_HOST, "/")
        home = front.get(ALICE_HOST, "/")
        assert (home.cache, "Amber Candle" in home.text) == ("HIT", True)
        assert "Cedar Candle" not in home.text
        Product.objects.filter(pk=cedar.pk).update(active=True)
        home = front.get(ALICE_HOST, "/")
        assert (home.cache, "Cedar Candle" in home.text) == ("MISS", True)
    finally:
        with tenant_context(alice):
            FeaturedProduct.objects.all().delete()


def test_a_new_product_shows_among_the_bestsellers_it_pads(front, make_product):
    """Bob featured nothing: his home shows the bestsellers, padded with the newest."""
    make_product("Amber Candle")
    front.get(BOB_HOST, "/")
    assert front.get(BOB_HOST, "/").cache == "HIT"
    make_product("Cedar Candle")
    home = front.get(BOB_HOST, "/")
    assert (home.cache, "Cedar Candle" in home.text) == ("MISS", True)


def test_the_repeated_invalidation_purges_the_page_again(front, candle):
    """The task a write queues for a few seconds after its commit (shopsocial/invalidation.py):
    a page an origin render stored after the first purge goes too."""
    from shopsocial.celery import app

    path = f"/p/{candle.slug}/"
    front.get(ALICE_HOST, path)
    assert front.get(ALICE_HOST, path).cache == "HIT"
    app.tasks["storefront.invalidation_repeat_task"].apply(([], [f"product-{candle.pk}"]))
    assert front.get(ALICE_HOST, path).cache == "MISS"


def test_an_order_on_alices_storefront_purges_nothing_on_bobs(front, candle):
    paths = [f"/p/{candle.slug}/", "/c/candles/", "/"]
    for host in (ALICE_HOST, BOB_HOST):
        for path in paths:
            front.get(host, path)
    order_place(
        items=[(variant_of(candle).pk, 2)],
        retailer=front_retailer("alice"),
        customer=CustomerDetailsFactory(email="ann@example.com", full_name="Ann Shopper"),
    )
    candle.refresh_from_db()
    assert candle.stock == 48
    assert [front.get(BOB_HOST, path).cache for path in paths] == ["HIT", "HIT", "HIT"]
    assert [front.get(ALICE_HOST, path).cache for path in paths] == ["HIT", "HIT", "HIT"]


def test_selling_the_last_units_purges_the_product_everywhere(front, make_product):
    last = make_product("Last Candle", price="10.00", stock=2)
    path = f"/p/{last.slug}/"
    for host in (ALICE_HOST, BOB_HOST):
        front.get(host, path)
    order_place(
        items=[(variant_of(last).pk, 2)],
        retailer=front_retailer("alice"),
        customer=CustomerDetailsFactory(email="ann@example.com", full_name="Ann Shopper"),
    )
    bob_page = front.get(BOB_HOST, path)
    assert bob_page.cache == "MISS" and "Out of stock" in bob_page.text


def _narrowed(varnish: Varnishd, acl: str) -> None:
    """The same VCL with one ACL narrowed to an address that is not ours."""
    vcl = varnish.vcl.read_text()
    body = vcl.split(f"acl {acl} {{", 1)[1].split("}", 1)[0]
    varnish.vcl.write_text(
        vcl.replace(f"acl {acl} {{{body}}}", f'acl {acl} {{\n    "192.0.2.1";\n}}')
    )


@pytest.fixture
def bare_varnish():
    """Varnish with no origin behind it (a purge needs none), started by the test."""
    made: list[Varnishd] = []

    def make(**kwargs) -> Varnishd:
        varnish = Varnishd(port=free_port(), web=("127.0.0.1", 9), chat=("127.0.0.1", 9), **kwargs)
        made.append(varnish)
        return varnish

    yield make
    for varnish in made:
        varnish.stop()


def test_without_a_token_only_this_machine_may_purge(bare_varnish):
    from shopsocial.varnish import _purge_request

    varnish = bare_varnish()
    _narrowed(varnish, "loopback")  # as if the app were on another machine
    varnish.start()
    assert _purge_request(varnish.url, keys="catalog", timeout=5) == 403


def test_with_a_token_a_purge_must_carry_it_and_come_from_the_acl(bare_varnish):
    from shopsocial.varnish import _purge_request

    varnish = bare_varnish(purge_token="a-long-random-secret")
    varnish.start()
    purge = lambda **token: _purge_request(varnish.url, keys="catalog", timeout=5, **token)  # noqa: E731
    assert purge() == 403  # from loopback, but without the token
    assert purge(token="a-guess") == 403
    assert purge(token="a-long-random-secret") == 200
    outside = bare_varnish(purge_token="a-long-random-secret")
    _narrowed(outside, "purgers")
    outside.start()
    assert (
        _purge_request(outside.url, keys="catalog", timeout=5, token="a-long-random-secret") == 403
    )


def test_purges_from_the_acl_are_accepted(front):
    from shopsocial.varnish import _purge_request

    assert _purge_request(front.varnish.url, keys="catalog", timeout=5) == 200


def test_the_app_purges_a_varnish_that_requires_a_token(live_server, settings, alice, candle):
    """The compose shape: VARNISH_PURGE_TOKEN given to the app and to varnishd."""
    port = int(live_server.url.rsplit(":", 1)[1])
    varnish = Varnishd(
        port=free_port(), web=("127.0.0.1", port), chat=("127.0.0.1", port), purge_token="tok-123"
    )
    varnish.start()
    try:
        settings.VARNISH_PURGE_URLS, settings.VARNISH_PURGE_TOKEN = [varnish.url], "tok-123"
        front, path = Front(varnish), f"/p/{candle.slug}/"
        front.get(ALICE_HOST, path)
        assert front.get(ALICE_HOST, path).cache == "HIT"
        candle.name = "Cedar Candle"
        candle.save()
        page = front.get(ALICE_HOST, path)
        assert (page.cache, "Cedar Candle" in page.text) == ("MISS", True)
    finally:
        varnish.stop()


def front_retailer(slug: str):
    from retailers.models import Retailer

    return Retailer.objects.get(slug=slug)


def test_pages_go_to_both_web_nodes_and_a_dead_node_costs_no_error(live_server, alice):
    """The compose shape: two web nodes behind the round-robin director. With one node
    down, each read it would have taken is tried once more on the other."""
    port = int(live_server.url.rsplit(":", 1)[1])
    dead = free_port()  # nothing listens there
    varnish = Varnishd(
        port=free_port(),
        web=("127.0.0.1", port),
        web2=("127.0.0.1", dead),
        chat=("127.0.0.1", port),
    )
    varnish.start()
    try:
        front = Front(varnish)
        # A cookie: rendered at the origin every time, so every request picks a node.
        answers = [front.get(ALICE_HOST, "/", Cookie="sessionid=none") for _ in range(6)]
        assert [a.status for a in answers] == [200] * 6
    finally:
        varnish.stop()
