"""Storefront pages: home, category (paging, sorting), product, search, 404s."""

import re

import pytest
from django_tenants.utils import tenant_context

from orders.models import Order
from storefront.content.models import FeaturedProduct, StorefrontProfile
from storefront.models import Category
from storefront.selectors import PAGE_SIZE
from tests.conftest import ALICE_HOST, BOB_HOST
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def product_names(html: str) -> list[str]:
    return re.findall(r'<span class="product-name">([^<]+)</span>', html)


# --- Home -------------------------------------------------------------------------
def test_home_shows_retailer_name_photo_about_and_categories(client, alice, category):
    with tenant_context(alice):
        StorefrontProfile.objects.create(
            about="I pour every candle myself.", photo="retailers/alice.jpg", photo_alt="Alice"
        )
    page = client.get("/", HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    assert "Welcome to Alice&#x27;s Attic" in page.text
    assert "I pour every candle myself." in page.text
    assert '<img class="retailer-photo" src="/media/retailers/alice.jpg" alt="Alice"' in page.text
    assert 'href="/c/candles/"' in page.text


def test_home_shows_retailers_featured_products_in_their_order(client, alice, bob, make_product):
    first, second, _other = make_product("Pick One"), make_product("Pick Two"), make_product()
    with tenant_context(alice):
        FeaturedProduct.objects.create(product_id=second.pk, position=0)
        FeaturedProduct.objects.create(product_id=first.pk, position=1)
    page = client.get("/", HTTP_HOST=ALICE_HOST)
    assert "Picked by Alice&#x27;s Attic" in page.text
    assert product_names(page.text) == ["Pick Two", "Pick One"]
    # Bob chose nothing: he shows bestsellers instead.
    assert "Bestsellers" in client.get("/", HTTP_HOST=BOB_HOST).text


def test_home_without_featured_shows_company_bestsellers(client, alice, make_product):
    hit, runner_up, _unsold = make_product("Hit"), make_product("Runner Up"), make_product("Unsold")
    canceled_only = make_product("Canceled Only")
    for n, (status, product, quantity) in enumerate(
        [
            (Order.Status.PAID, hit, 5),
            (Order.Status.SHIPPED, runner_up, 3),
            (Order.Status.CANCELED, canceled_only, 50),
            (Order.Status.PENDING_PAYMENT, canceled_only, 50),
        ]
    ):
        OrderFactory(
            number=f"T-BEST-{n}", retailer=alice, status=status, lines=[(product, quantity)]
        )
    names = product_names(client.get("/", HTTP_HOST=ALICE_HOST).text)
    assert names[:2] == ["Hit", "Runner Up"]
    assert set(names[2:]) == {"Unsold", "Canceled Only"}  # then the newest


def test_the_retailers_starter_kit_is_never_a_shoppers_pick(client, alice, make_product):
    kits = Category.objects.create(name="Starter kits", slug="starter-kits")
    kit = make_product("Starter Kit", in_category=kits)
    make_product("Candle")
    OrderFactory(number="T-KIT-1", retailer=alice, status=Order.Status.PAID, lines=[(kit, 9)])
    names = product_names(client.get("/", HTTP_HOST=ALICE_HOST).text)
    assert "Candle" in names and "Starter Kit" not in names


def test_featured_product_deactivated_is_not_shown(client, alice, make_product):
    gone, kept = make_product("Gone", active=False), make_product("Kept")
    with tenant_context(alice):
        FeaturedProduct.objects.create(product_id=gone.pk, position=0)
        FeaturedProduct.objects.create(product_id=kept.pk, position=1)
    assert product_names(client.get("/", HTTP_HOST=ALICE_HOST).text) == ["Kept"]


# --- Category ---------------------------------------------------------------------
def test_category_lists_active_products_of_it_and_its_subcategories(
    client, alice, category, other_category, make_product
):
    tapers = Category.objects.create(name="Tapers", slug="tapers", parent=category)
    make_product("Jar Candle")
    make_product("Taper Pair", in_category=tapers)
    make_product("Hidden Candle", active=False)
    make_product("Bowl", in_category=other_category)
    page = client.get("/c/candles/", HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    assert product_names(page.text) == ["Jar Candle", "Taper Pair"]
    assert 'href="/c/tapers/"' in page.text


def test_category_sorts_by_price_and_newest(client, alice, make_product):
    make_product("Mid", price="20.00", age_days=2)
    make_product("Cheap", price="5.00", age_days=3)
    make_product("Dear", price="90.00", age_days=1)
    get = lambda sort: product_names(  # noqa: E731
        client.get(f"/c/candles/?sort={sort}", HTTP_HOST=ALICE_HOST).text
    )
    assert get("price_asc") == ["Cheap", "Mid", "Dear"]
    assert get("price_desc") == ["Dear", "Mid", "Cheap"]
    assert get("newest") == ["Dear", "Mid", "Cheap"]
    assert get("name") == ["Cheap", "Dear", "Mid"]
    assert get("bogus'--") == ["Cheap", "Dear", "Mid"]


def test_category_paginates(client, alice, category):
    from tests.storefront.conftest import products_bulk_create

    products_bulk_create(category, PAGE_SIZE + 3)
    first = client.get("/c/candles/?sort=price_asc", HTTP_HOST=ALICE_HOST)
    second = client.get("/c/candles/?sort=price_asc&page=2", HTTP_HOST=ALICE_HOST)
    assert len(product_names(first.text)) == PAGE_SIZE
    assert product_names(second.text) == ["Bulk candle 24", "Bulk candle 25", "Bulk candle 26"]
    assert "Page 1 of 2" in first.text
    assert 'href="?sort=price_asc&amp;page=2"' in first.text
    # Out-of-range or junk page numbers fall back instead of failing.
    assert client.get("/c/candles/?page=99", HTTP_HOST=ALICE_HOST).status_code == 200
    assert client.get("/c/candles/?page=x", HTTP_HOST=ALICE_HOST).status_code == 200
    assert client.get("/c/candles/?page=²", HTTP_HOST=ALICE_HOST).status_code == 200
    assert client.get("/search/?q=candle&page=²", HTTP_HOST=ALICE_HOST).status_code == 200


def test_unknown_category_is_404(client, alice, category):
    assert client.get("/c/no-such-thing/", HTTP_HOST=ALICE_HOST).status_code == 404


# --- Product ----------------------------------------------------------------------
def test_product_page_shows_images_price_stock_and_add_to_cart(client, alice, make_product):
    candle = make_product("Vanilla Candle", price="19.95", stock=3, description="Soy wax.")
    page = client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    assert "<h1>Vanilla Candle</h1>" in page.text
    assert "$19.95" in page.text
    assert "In stock: only 3 left" in page.text
    assert f'src="/media/products/{candle.sku}.jpg" alt="Photo of Vanilla Candle"' in page.text
    assert 'action="/cart/add/"' in page.text
    assert '<label for="quantity">Quantity</label>' in page.text
    assert "csrfmiddlewaretoken" not in page.text


def test_out_of_stock_product_page_has_no_add_button(client, alice, make_product):
    candle = make_product("Sold Out Candle", stock=0)
    page = client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST)
    assert "Out of stock" in page.text
    assert 'action="/cart/add/"' not in page.text


def test_inactive_and_unknown_products_are_404(client, alice, make_product):
    hidden = make_product("Hidden", active=False)
    assert client.get(f"/p/{hidden.slug}/", HTTP_HOST=ALICE_HOST).status_code == 404
    assert client.get("/p/does-not-exist/", HTTP_HOST=ALICE_HOST).status_code == 404


# --- Search -----------------------------------------------------------------------
def test_search_ranks_name_matches_above_description_matches(client, alice, make_product):
    make_product("Stoneware Bowl", description="Goes well with a vanilla candle nearby.")
    make_product("Vanilla Candle", description="Smells of vanilla.")
    make_product("Olive Spoon", description="Wood.")
    make_product("Vanilla Retired", active=False)
    page = client.get("/search/?q=vanilla", HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    assert product_names(page.text) == ["Vanilla Candle", "Stoneware Bowl"]
    assert "2 products found" in page.text


def test_search_matches_prefixes_stems_and_skus(client, alice, make_product):
    make_product("Beeswax Tapers", sku="CAN-006")
    make_product("Olive Spoon", sku="KIT-002")
    get = lambda q: product_names(client.get(f"/search/?q={q}", HTTP_HOST=ALICE_HOST).text)  # noqa: E731
    assert get("bees") == ["Beeswax Tapers"]
    assert get("taper") == ["Beeswax Tapers"]
    assert get("CAN-006") == ["Beeswax Tapers"]
    assert get("kit") == ["Olive Spoon"]


@pytest.mark.parametrize("q", ["", "!!!", "&|:*()'", "a' OR 1=1 --"])
def test_search_with_odd_input_answers_cleanly(client, alice, make_product, q):
    make_product("Vanilla Candle")
    response = client.get("/search/", {"q": q}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200


@pytest.mark.parametrize("q", ["\x00", "candle\x00x"])
def test_search_with_a_nul_is_refused_before_the_page(client, alice, make_product, q):
    # shopsocial.middleware.RequestSanityMiddleware: no NUL reaches a view.
    make_product("Vanilla Candle")
    response = client.get("/search/", {"q": q}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 400


def test_oversized_search_is_cut_with_message(client, alice, make_product):
    make_product("Vanilla Candle")
    response = client.get("/search/", {"q": "vanilla " + "x" * 5000}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert "Searches are limited to 100 characters" in response.text
    assert 'value="vanilla xxx' in response.text
    assert "x" * 101 not in response.text


# --- Layout ------------------------------------------------------------------------
def test_header_has_categories_search_box_and_cart_count(client, alice, category):
    page = client.get("/", HTTP_HOST=ALICE_HOST).text
    assert '<a href="/c/candles/">Candles</a>' in page
    assert 'role="search" action="/search/"' in page
    assert '<label for="site-search" class="visually-hidden">Search products</label>' in page
    assert 'aria-label="Cart, 0 items"' in page
