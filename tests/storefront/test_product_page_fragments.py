"""The product page as every shopper first sees it is kept in the shared cache by product
(storefront/product.html, shopsocial/invalidation.py), and its product row by slug
(storefront.selectors.product_page_get): a warm page reads no catalog row, a
named variant or a form error is rendered for that request, and a write shows at once.

On a real redis-server: the test settings' local-memory cache has no request batch, so
the view could not tell a kept page from a missing one there.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from storefront.models import Category, Product, ProductImage, ProductVariant
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.storefront.test_cache_batch import redis_server, redis_shared_cache  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_shared_cache")]

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
OG_IMAGE = re.compile(r'<meta property="og:image" content="([^"]*)">')


def _json_ld(page) -> dict:
    [raw] = JSON_LD.findall(page.text)
    return json.loads(raw)


@pytest.fixture
def candle(alice, make_product):
    """A candle in two scents, Vanilla first."""
    product = make_product("Soy candle", price="18.00", stock=5)
    vanilla = variant_of(product)
    vanilla.option1 = "Vanilla"
    vanilla.save()
    product.option1_name = "Scent"
    product.save()
    ProductVariant.objects.create(
        product=product, sku="SOY-CEDAR", option1="Cedar", price="21.00", stock=4
    )
    return product


def test_a_warm_product_page_reads_no_row_and_shows_what_a_cold_one_shows(client, candle):
    path = f"/p/{candle.slug}/"
    with CaptureQueriesContext(connection) as cold_queries:
        cold = client.get(path, HTTP_HOST=ALICE_HOST)
    with CaptureQueriesContext(connection) as warm_queries:
        warm = client.get(path, HTTP_HOST=ALICE_HOST)
    assert cold.status_code == warm.status_code == 200
    assert warm.text == cold.text
    assert 'value="Vanilla" checked' in warm.text and "From $18.00" in warm.text
    assert _json_ld(warm)["offers"]["price"] == "18.00"
    assert not [q["sql"] for q in warm_queries if "storefront_" in q["sql"]]
    assert len(warm_queries) < len(cold_queries)


def test_a_named_variant_is_rendered_for_that_request_not_from_the_kept_page(client, candle):
    path = f"/p/{candle.slug}/"
    client.get(path, HTTP_HOST=ALICE_HOST)  # keeps the plain page
    page = client.get(f"{path}?option1=Cedar", HTTP_HOST=ALICE_HOST)
    assert 'value="Cedar" checked' in page.text
    assert "$21.00" in page.text.split("data-variant-price>", 1)[1][:20]
    assert 'value="Cedar" checked' not in client.get(path, HTTP_HOST=ALICE_HOST).text


def test_a_form_error_keeps_what_the_shopper_typed_while_the_page_is_kept(client, candle):
    client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST)  # keeps the plain page
    page = client.post(
        "/cart/add/",
        {"product_id": candle.pk, "option1": "Vanilla", "quantity": "500"},
        HTTP_HOST=ALICE_HOST,
        HTTP_ORIGIN=f"http://{ALICE_HOST}",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert page.status_code == 400
    assert 'value="500"' in page.text and 'aria-invalid="true"' in page.text


def test_a_price_change_by_queryset_update_shows_in_the_page_and_its_json_ld(client, candle):
    path = f"/p/{candle.slug}/"
    client.get(path, HTTP_HOST=ALICE_HOST)
    ProductVariant.objects.filter(pk=variant_of(candle).pk).update(price="16.50")
    page = client.get(path, HTTP_HOST=ALICE_HOST)
    assert _json_ld(page)["offers"]["price"] == "16.50"
    assert "$16.50" in page.text.split("data-variant-price>", 1)[1][:20]


def test_a_new_first_picture_shows_in_og_image_and_the_json_ld(client, candle):
    path = f"/p/{candle.slug}/"
    before = client.get(path, HTTP_HOST=ALICE_HOST)
    [old] = OG_IMAGE.findall(before.text)
    first = candle.images.order_by("position", "pk").first()
    ProductImage.objects.filter(pk=first.pk).update(position=5)
    ProductImage.objects.create(
        product=candle, image=first.image.name + "-new.jpg", alt_text="A new picture", position=0
    )
    page = client.get(path, HTTP_HOST=ALICE_HOST)
    [new] = OG_IMAGE.findall(page.text)
    assert new != old and new.endswith("-new.jpg") and new.startswith(f"http://{ALICE_HOST}/")
    # The JSON-LD is kept once for every host: it names the company site's address.
    assert _json_ld(page)["image"] == [f"http://{COMPANY_HOST}{candle.images.first().image.url}"]


def test_a_category_rename_shows_in_the_breadcrumbs(client, candle):
    path = f"/p/{candle.slug}/"
    client.get(path, HTTP_HOST=ALICE_HOST)
    Category.objects.filter(pk=candle.category_id).update(name="Hand-poured candles")
    page = client.get(path, HTTP_HOST=ALICE_HOST).text
    breadcrumbs = page.split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert ">Hand-poured candles</a>" in breadcrumbs


@pytest.mark.parametrize("write", ["save", "update"])
def test_a_product_taken_off_sale_is_gone_at_once(client, candle, write):
    path = f"/p/{candle.slug}/"
    client.get(path, HTTP_HOST=ALICE_HOST)
    if write == "save":
        candle.active = False
        candle.save()
    else:
        Product.objects.filter(pk=candle.pk).update(active=False)
    assert client.get(path, HTTP_HOST=ALICE_HOST).status_code == 404


@pytest.mark.parametrize("way", ["save", "bulk_update"])
def test_a_renamed_slug_serves_the_new_address_and_not_the_old(client, candle, way):
    old = f"/p/{candle.slug}/"
    client.get(old, HTTP_HOST=ALICE_HOST)
    candle.slug = "soy-candle-renamed"
    if way == "save":
        candle.save()
    else:  # Django's bulk_update runs queryset updates: the old row is read first
        Product.objects.bulk_update([candle], ["slug"])
    assert client.get(old, HTTP_HOST=ALICE_HOST).status_code == 404
    assert client.get("/p/soy-candle-renamed/", HTTP_HOST=ALICE_HOST).status_code == 200


def test_with_a_cart_the_warm_product_page_reads_no_catalog_row(client, candle):
    """The free-shipping hint prices the cart from its kept variants (cart-variant:<pk>)."""
    response = client.post(
        "/cart/add/",
        {"product_id": candle.pk, "option1": "Cedar", "quantity": "2"},
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 302
    path = f"/p/{candle.slug}/"
    client.get(path, HTTP_HOST=ALICE_HOST)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(path, HTTP_HOST=ALICE_HOST)
    assert "away from free" in page.text or "ships free" in page.text
    catalog = [q["sql"] for q in queries if "storefront_" in q["sql"]]
    assert catalog == []


def test_the_json_ld_of_a_named_variant_is_its_own_and_never_kept_for_the_plain_page(
    client, candle
):
    cedar = ProductVariant.objects.get(product=candle, sku="SOY-CEDAR")
    path = f"/p/{candle.slug}/"
    named = client.get(f"{path}?variant_id={cedar.pk}", HTTP_HOST=ALICE_HOST)  # cold first
    assert _json_ld(named)["sku"] == "SOY-CEDAR"
    plain = client.get(path, HTTP_HOST=ALICE_HOST)
    assert _json_ld(plain)["sku"] == variant_of(candle).sku
    named = client.get(f"{path}?variant_id={cedar.pk}", HTTP_HOST=ALICE_HOST)  # plain kept
    assert _json_ld(named)["sku"] == "SOY-CEDAR"


def test_a_kept_value_is_built_from_the_primary_even_where_the_replica_may_serve():
    """A lagging replica must not put back what a write's deletion removed."""
    from shopsocial import db_router
    from shopsocial.invalidation import cached

    seen = []
    with db_router.replica_reads():
        cached("test:primary-build", lambda: seen.append(db_router._replica_ok.get()), timeout=5)
    assert seen == [False]


def test_a_slug_that_names_no_product_is_not_kept(client, alice):
    from django.core.cache import caches

    from shopsocial.invalidation import CACHE_ALIAS, product_row_key

    assert client.get("/p/no-such-candle/", HTTP_HOST=ALICE_HOST).status_code == 404
    assert caches[CACHE_ALIAS].get(product_row_key("no-such-candle")) is None
