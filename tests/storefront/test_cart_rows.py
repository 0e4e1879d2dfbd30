"""A cart's variants are kept in the shared cache (storefront.selectors.variants_for_cart,
`cart-variant:<pk>`): a warm cart page (and the product page's free-shipping hint,
tests/storefront/test_product_page_fragments.py) reads no catalog row, and every write
to a variant, its product or its pictures shows on the shopper's next page, stock-only
updates (an order on another storefront) included.

On a real redis-server: the test settings' local-memory cache has no request batch.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from orders.selectors import checkout_quote
from shopsocial.invalidation import cart_variant_key
from storefront.models import Product, ProductImage, ProductVariant
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST
from tests.storefront.test_cache_batch import redis_server, redis_shared_cache  # noqa: F401
from tests.storefront.test_session_pages import cart_add

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_shared_cache")]


@pytest.fixture
def mug(alice, make_product):
    return make_product("Tea mug", price="8.00", stock=20)


def cart_add_variant(client, variant) -> None:
    response = client.post(
        "/cart/add/",
        {"product_id": variant.product_id, "variant_id": variant.pk, "quantity": "1"},
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 302


def _cart_page(client) -> str:
    return client.get("/cart/", HTTP_HOST=ALICE_HOST).text


def _catalog_reads(captured) -> list[str]:
    return [q["sql"] for q in captured if "storefront_product" in q["sql"]]


def test_a_warm_cart_page_reads_no_catalog_row_and_shows_what_a_cold_one_shows(client, mug):
    cart_add(client, mug, "2")
    caches["shared"].delete(cart_variant_key(variant_of(mug).pk))
    with CaptureQueriesContext(connection) as cold_queries:
        cold = _cart_page(client)
    with CaptureQueriesContext(connection) as warm_queries:
        warm = _cart_page(client)
    assert "Tea mug" in warm and "$16.00" in warm
    assert warm == cold
    assert _catalog_reads(cold_queries)
    assert not _catalog_reads(warm_queries)


def test_a_price_change_shows_in_the_cart_at_once_by_save_and_by_update(client, mug):
    cart_add(client, mug, "2")
    assert "$16.00" in _cart_page(client)
    variant = variant_of(mug)
    variant.price = Decimal("9.00")
    variant.save()
    assert "$18.00" in _cart_page(client)
    ProductVariant.objects.filter(pk=variant.pk).update(price=Decimal("10.00"))
    page = _cart_page(client)
    assert "$20.00" in page and "$18.00" not in page


def test_the_quote_prices_what_the_cart_shows_after_a_price_change(client, mug):
    cart_add(client, mug, "2")
    _cart_page(client)  # keeps the variant
    variant = variant_of(mug)
    ProductVariant.objects.filter(pk=variant.pk).update(price=Decimal("11.00"))
    quote = checkout_quote(items=[(variant.pk, 2)])
    assert quote.totals.merchandise == Decimal("22.00")


def test_a_stock_only_update_shows_in_the_cart_at_once(
    client, mug, django_capture_on_commit_callbacks
):
    """What placing an order does (orders/services/stock.py): a quiet update that purges
    no page while the product stays in stock with 10 or more left (60 -> 45 here), yet
    the cart's "only N in stock" is current."""
    ProductVariant.objects.filter(pk=variant_of(mug).pk).update(stock=60)
    cart_add(client, mug, "50")
    assert "in stock: please lower the quantity" not in _cart_page(client)
    with django_capture_on_commit_callbacks(execute=True):  # the order commits
        ProductVariant.objects.filter(pk=variant_of(mug).pk).update(stock=F("stock") - 15)
    assert "Only 45 in stock: please lower the quantity." in _cart_page(client)


def test_a_product_rename_and_withdrawal_show_in_the_cart_at_once(client, mug):
    cart_add(client, mug, "1")
    assert "Tea mug" in _cart_page(client)
    mug.name = "Stoneware mug"
    mug.save()
    assert "Stoneware mug" in _cart_page(client)
    Product.objects.filter(pk=mug.pk).update(active=False)
    page = _cart_page(client)
    assert "Stoneware mug is no longer available and was removed from your cart" in page


def test_a_deleted_variant_leaves_the_cart_at_once(client, mug):
    cart_add(client, mug, "1")
    assert "Tea mug" in _cart_page(client)
    ProductVariant.objects.filter(pk=variant_of(mug).pk).delete()
    assert "was removed from your cart" in _cart_page(client)


def test_a_new_first_picture_shows_in_the_cart_at_once(client, mug):
    cart_add(client, mug, "1")
    before = _cart_page(client)
    first = mug.images.order_by("position", "pk").first()
    assert first is not None and f'src="{first.thumbnail_url}"' in before
    ProductImage.objects.filter(pk=first.pk).update(position=5)
    new = ProductImage.objects.create(
        product=mug, image=first.image.name + "-new.jpg", alt_text="A new picture", position=0
    )
    page = _cart_page(client)
    assert f'src="{new.thumbnail_url}"' in page and f'src="{first.thumbnail_url}"' not in page
    ProductImage.objects.filter(pk=new.pk).delete()
    assert f'src="{first.thumbnail_url}"' in _cart_page(client)


def test_deleting_a_variant_shows_its_unlinked_pictures_on_the_other_variants(client, mug):
    """Deleting a variant sets its pictures' variant to NULL without a signal; the other
    variants' kept pictures change with it."""
    other = ProductVariant.objects.create(
        product=mug, sku="MUG-BLUE", option1="Blue", price="8.00", stock=5
    )
    mug.images.update(position=5)
    own = ProductImage.objects.create(
        product=mug, variant=other, image="products/mug-blue.jpg", alt_text="Blue", position=0
    )
    cart_add_variant(client, variant_of(mug))
    assert f'src="{own.thumbnail_url}"' not in _cart_page(client)  # the blue one's own
    other.delete()
    assert f'src="{own.thumbnail_url}"' in _cart_page(client)  # now shared, and first


def test_a_line_is_dropped_only_when_the_database_says_so(client, mug):
    """A kept copy older than the database (read just before a write, stored just after
    it) never removes a line for good: the line is checked against the database first."""
    cart_add(client, mug, "1")
    variant = variant_of(mug)
    stale = ProductVariant.objects.select_related("product").get(pk=variant.pk)
    stale.active = False
    caches["shared"].set(cart_variant_key(variant.pk), stale, 60)
    page = _cart_page(client)
    assert "no longer available" not in page and "Tea mug" in page and "$8.00" in page
    assert "Tea mug" in _cart_page(client)


def test_the_checkout_page_prices_from_the_database_not_a_kept_row(client, mug):
    """A kept row may be a moment old (a read that raced a write put it back); the
    checkout page, where the shopper sees what they are about to pay, reads the variants
    from the database, and keeps what it read for the cart pages."""
    cart_add(client, mug, "2")
    _cart_page(client)  # keeps the variant at $8.00
    variant = variant_of(mug)
    stale = caches["shared"].get(cart_variant_key(variant.pk))
    ProductVariant.objects.filter(pk=variant.pk).update(price=Decimal("9.00"))
    caches["shared"].set(cart_variant_key(variant.pk), stale, 60)  # the race's old copy
    assert "$16.00" in _cart_page(client)
    page = client.get("/checkout/", HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    assert "$18.00" in page.text and "$16.00" not in page.text
    cart = _cart_page(client)
    assert "$18.00" in cart and "$16.00" not in cart
