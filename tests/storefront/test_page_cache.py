"""The shopper page cache (storefront/caching.py): fast, and never wrong.

Constraints of issue 19: stock on the product page is live; catalog, storefront and
retailer edits show at once; the policy-change notice shows at once; DNT/GPC
variants are never mixed; no page adds a cookie; a CSP nonce is never reused.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacy.models import PolicyVersion
from privacy.services.policy import policy_version_publish
from retailers.models import Retailer
from storefront import caching
from storefront.caching import catalog_cache_bump
from storefront.models import Product, ProductVariant
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

GA_ID = "G-TEST12345"
POLICY_NOTICE = "We updated our Privacy Policy on"


def page_entries() -> int:
    return len(caching._pages.entries)


@pytest.fixture
def candle(alice, make_product):
    return make_product("Vanilla Candle", price="10.00", stock=5)


@pytest.fixture
def shopper(db):
    return get_user_model().objects.create_user(
        "sam@example.com", "sam@example.com", "a-long-test-password"
    )


def cart_add(client, product, quantity="1"):
    response = client.post(
        "/cart/add/", {"product_id": product.pk, "quantity": quantity}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 302
    client.get("/cart/", HTTP_HOST=ALICE_HOST)  # shows (and consumes) the "Added" message


# --- Served from memory, for every shopper ----------------------------------------------
def test_cached_pages_are_per_storefront(client, alice, bob, candle):
    alice_page = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    bob_page = client.get("/c/candles/", HTTP_HOST=BOB_HOST)
    assert "Alice&#x27;s Attic" in alice_page.text
    assert "Bob&#x27;s Barn" in bob_page.text
    assert "Alice&#x27;s Attic" not in bob_page.text
    assert "Cookie" in bob_page["Vary"]


@pytest.mark.parametrize(
    ("host", "path"),
    [
        (ALICE_HOST, "/"),
        (ALICE_HOST, "/c/candles/"),
        (ALICE_HOST, "/p/PRODUCT/"),
        (ALICE_HOST, "/search/?q=vanilla"),
        (ALICE_HOST, "/privacy/"),
        (COMPANY_HOST, "/"),
        (COMPANY_HOST, "/find-a-retailer/?q=Alice"),
        (COMPANY_HOST, "/privacy/"),
    ],
)
def test_second_anonymous_visit_needs_no_query_and_sets_no_cookie(
    client, company, candle, host, path
):
    path = path.replace("PRODUCT", candle.slug)
    first = client.get(path, HTTP_HOST=host)
    with CaptureQueriesContext(connection) as captured:
        second = client.get(path, HTTP_HOST=host)
    assert first.status_code == second.status_code == 200
    assert [q["sql"] for q in captured] == []
    assert second.content == first.content
    assert not first.cookies and not second.cookies
    assert "Set-Cookie" not in second


def test_shopper_with_a_cart_gets_the_cached_page_with_their_own_cart_count(client, alice, candle):
    anonymous = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert '<span class="cart-count">0</span>' in anonymous.text
    cart_add(client, candle, "3")
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert '<span class="cart-count">3</span>' in page.text
    assert "Cart, 3 items" in page.text
    assert page_entries() == 1  # the same entry served both
    assert all("storefront_product" not in q["sql"] for q in captured)
    assert not page.cookies  # nothing added to the session cookie the shopper has
    # ... and the next anonymous visitor still sees an empty cart.
    client.cookies.clear()
    assert (
        '<span class="cart-count">0</span>' in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
    )


def test_signed_in_and_anonymous_shoppers_each_see_their_own_account_links(
    client, alice, candle, shopper
):
    assert "Sign in" in client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST).text
    client.force_login(shopper)
    page = client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST)
    assert "Your orders" in page.text and "Sign out" in page.text
    assert ">Sign in<" not in page.text
    client.logout()
    assert "Your orders" not in client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST).text


def test_a_flash_message_is_shown_even_when_the_page_is_cached(client, alice, candle):
    client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    client.post("/cart/add/", {"product_id": candle.pk, "quantity": "1"}, HTTP_HOST=ALICE_HOST)
    page = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert "Added Vanilla Candle to your cart" in page.text
    again = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert "Added Vanilla Candle" not in again.text  # shown once
    assert '<span class="cart-count">1</span>' in again.text


# --- Live stock, edits at once -------------------------------------------------------
def test_product_page_stock_is_live(client, alice, candle):
    url = f"/p/{candle.slug}/"
    assert "In stock: only 5 left" in client.get(url, HTTP_HOST=ALICE_HOST).text
    # What order placement does (a queryset update with F()), no explicit bump.
    ProductVariant.objects.filter(product=candle).update(stock=0)  # as stock_reserve does
    Product.objects.filter(pk=candle.pk).update(stock=0)
    page = client.get(url, HTTP_HOST=ALICE_HOST)
    assert "Out of stock" in page.text
    assert "In stock" not in page.text
    assert "Add to cart" not in page.text
    variant = candle.variants.get()
    variant.stock = 2
    variant.save(update_fields=["stock"])
    assert "In stock: only 2 left" in client.get(url, HTTP_HOST=ALICE_HOST).text


def test_listing_shows_out_of_stock_at_once(client, alice, candle):
    assert "Out of stock" not in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
    Product.objects.filter(pk=candle.pk).update(stock=0)
    assert "Out of stock" in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text


def test_catalog_change_shows_at_once(client, alice, candle):
    assert "$10.00" in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
    assert "$10.00" in client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST).text
    Product.objects.filter(pk=candle.pk).update(price="12.00")
    ProductVariant.objects.filter(product=candle).update(price="12.00")
    catalog_cache_bump()  # what every catalog write does after commit
    assert "$12.00" in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
    assert "$12.00" in client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST).text


def test_catalog_edit_in_the_admin_shows_at_once(
    admin_client, client, alice, candle, django_capture_on_commit_callbacks
):
    assert "Vanilla Candle" in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/storefront/product/",
            {"action": "deactivate", "_selected_action": [candle.pk]},
            HTTP_HOST=COMPANY_HOST,
        )
    assert response.status_code == 302
    assert "Vanilla Candle" not in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
    assert client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST).status_code == 404


def test_storefront_edit_shows_at_once(client, alice, candle, shopper):
    from storefront.content.services import storefront_update

    assert "Picked by" not in client.get("/", HTTP_HOST=ALICE_HOST).text
    storefront_update(
        retailer=alice,
        actor=shopper,
        display_name="Alice's New Attic",
        about="Hand-poured in Austin.",
        featured_product_ids=[candle.pk],
    )
    page = client.get("/", HTTP_HOST=ALICE_HOST)
    assert "Hand-poured in Austin." in page.text
    assert "Picked by Alice&#x27;s New Attic" in page.text
    assert "Alice&#x27;s New Attic" in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text


def test_suspending_a_retailer_shows_at_once_on_the_shop_and_the_finder(
    client, company, alice, candle
):
    assert client.get("/", HTTP_HOST=ALICE_HOST).status_code == 200
    found = client.get("/find-a-retailer/?q=Alice", HTTP_HOST=COMPANY_HOST).text
    assert "alice.shop.test" in found
    Retailer.objects.filter(pk=alice.pk).update(status=Retailer.Status.SUSPENDED)
    assert client.get("/", HTTP_HOST=ALICE_HOST).status_code == 503
    found = client.get("/find-a-retailer/?q=Alice", HTTP_HOST=COMPANY_HOST).text
    assert "alice.shop.test" not in found


def test_policy_change_notice_shows_at_once(client, company, alice, candle):
    for host, path in [(ALICE_HOST, "/c/candles/"), (ALICE_HOST, "/"), (COMPANY_HOST, "/")]:
        assert POLICY_NOTICE not in client.get(path, HTTP_HOST=host).text
    draft = PolicyVersion.objects.create(
        version="2.0",
        effective_date=timezone.localdate() - timedelta(days=1),
        text="New text.",
        summary_of_changes="Clearer.",
    )
    policy_version_publish(version=draft)
    for host, path in [(ALICE_HOST, "/c/candles/"), (ALICE_HOST, "/"), (COMPANY_HOST, "/")]:
        assert POLICY_NOTICE in client.get(path, HTTP_HOST=host).text, path
    assert "Version 2.0" in client.get("/privacy/", HTTP_HOST=ALICE_HOST).text


def test_breach_notices_reach_a_signed_in_shopper_on_a_cached_page_at_once(
    client, alice, candle, shopper, django_capture_on_commit_callbacks
):
    from privacy.models import BreachIncident
    from privacy.services.breach import breach_incident_notify
    from tests.accounts.support import email_verified_set

    email_verified_set(shopper)  # notices reach an account by its verified address
    client.force_login(shopper)
    banner = "a security incident may have affected your information"
    assert banner not in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
    incident = BreachIncident.objects.create(
        title="Label printer",
        discovered_at=timezone.now(),
        description="What happened.",
        data_involved="Names.",
        scope=BreachIncident.Scope.ALL_SHOPPERS,
    )
    with django_capture_on_commit_callbacks(execute=True):
        breach_incident_notify(incident=incident)
    assert banner in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
    BreachIncident.objects.filter(pk=incident.pk).update(title="Label printer exposed")
    assert "Label printer exposed" in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
    notice = incident.notifications.get()
    client.post(f"/privacy/notices/{notice.pk}/acknowledge/", HTTP_HOST=ALICE_HOST)
    assert banner not in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text


# --- Privacy variants, cookies, nonces ---------------------------------------------------
def test_dnt_and_gpc_variants_are_never_mixed(client, alice, candle, settings):
    settings.GA_MEASUREMENT_ID = GA_ID
    tag = "googletagmanager.com/gtag/js"
    for _ in range(2):  # the second pass is served from the cache
        assert tag in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
        for header in ({"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}):
            page = client.get("/c/candles/", HTTP_HOST=ALICE_HOST, **header)
            assert tag not in page.text
            assert f"ga-disable-{GA_ID}" in page.text
            assert "googletagmanager" not in page["Content-Security-Policy"]
        client.cookies["analytics_opt_out"] = "1"
        assert tag not in client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
        del client.cookies["analytics_opt_out"]
    assert page_entries() == 4


def test_page_that_used_the_csp_nonce_is_not_cached(rf, alice):
    """An inline script's nonce belongs to one response only."""
    from django.http import HttpResponse
    from django.utils.csp import LazyNonce

    from storefront.caching import page_cache

    @page_cache
    def page_with_inline_script(request):
        return HttpResponse(f'<script nonce="{request._csp_nonce}"></script>')

    @page_cache
    def plain_page(request):
        return HttpResponse("<p>plain</p>")

    def get(path):
        request = rf.get(path, HTTP_HOST=ALICE_HOST)
        request.tenant = alice
        request._csp_nonce = LazyNonce()
        return request

    first = page_with_inline_script(get("/with-script/")).content
    assert page_entries() == 0
    assert page_with_inline_script(get("/with-script/")).content != first
    plain_page(get("/plain/"))
    assert page_entries() == 1


def test_cached_pages_carry_a_fresh_csp_header_without_a_nonce(client, alice, candle):
    first = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    second = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    for response in (first, second):
        assert "nonce-" not in response["Content-Security-Policy"]
        assert "nonce=" not in response.text


def test_head_requests_are_answered(client, alice, candle):
    for path in ("/", "/c/candles/", f"/p/{candle.slug}/", "/search/?q=x", "/cart/"):
        assert client.head(path, HTTP_HOST=ALICE_HOST).status_code == 200


def test_cart_page_keeps_its_frame_in_memory_and_shows_each_shopper_their_own_cart(
    client, alice, candle, make_product
):
    from django.test import Client

    soap = make_product("Lemon Soap", price="4.00")
    cart_add(client, candle, "2")
    other = Client()
    cart_add(other, soap, "1")
    mine = client.get("/cart/", HTTP_HOST=ALICE_HOST)
    theirs = other.get("/cart/", HTTP_HOST=ALICE_HOST)
    assert "Vanilla Candle" in mine.text and "Lemon Soap" not in mine.text
    assert "Lemon Soap" in theirs.text and "Vanilla Candle" not in theirs.text
    assert '<span class="cart-count">2</span>' in mine.text
    assert '<span class="cart-count">1</span>' in theirs.text
    assert "$20.00" in mine.text  # the subtotal
    ProductVariant.objects.filter(product=candle).update(price="11.00")
    catalog_cache_bump()
    assert "$22.00" in client.get("/cart/", HTTP_HOST=ALICE_HOST).text
    assert "Your cart is empty" in Client().get("/cart/", HTTP_HOST=ALICE_HOST).text


def test_cached_product_page_gives_expired_checkout_holds_back(
    client, alice, candle, monkeypatch, settings
):
    from orders.models import Order
    from tests.orders.conftest import CHECKOUT_FORM

    url = f"/p/{candle.slug}/"
    cart_add(client, candle, "2")
    response = client.post("/checkout/", CHECKOUT_FORM, HTTP_HOST=ALICE_HOST)
    assert response.status_code in (302, 303)
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING_PAYMENT and order.hold_expires_at
    assert "only 3 left" in client.get(url, HTTP_HOST=ALICE_HOST).text
    assert "only 3 left" in client.get(url, HTTP_HOST=ALICE_HOST).text  # from memory
    later = order.hold_expires_at + timedelta(seconds=settings.STOCK_HOLD_GRACE_SECONDS + 60)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "only 5 left" in client.get(url, HTTP_HOST=ALICE_HOST).text
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELED


def test_free_shipping_hint_on_a_cached_product_page_is_each_shoppers_own(client, alice, candle):
    from django.test import Client

    url = f"/p/{candle.slug}/"
    anonymous = Client().get(url, HTTP_HOST=ALICE_HOST).text
    assert "Free " in anonymous and "away from free" not in anonymous
    cart_add(client, candle, "2")
    mine = client.get(url, HTTP_HOST=ALICE_HOST).text
    assert "You are $" in mine and "away from free" in mine
    assert "away from free" not in Client().get(url, HTTP_HOST=ALICE_HOST).text
