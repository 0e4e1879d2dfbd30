"""Variants: options on the product page (with and without JavaScript), per-variant stock,
cart and order lines, search, listings, the admin inline and the default-variant migration."""

from __future__ import annotations

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order, OrderLine
from orders.services import CustomerDetails, order_place
from orders.services.transitions import order_transition
from storefront.models import Product, ProductImage, ProductVariant
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.storefront.conftest import caches_clear

pytestmark = pytest.mark.django_db

CUSTOMER = CustomerDetails(
    email="sam@example.com",
    full_name="Sam Shopper",
    ship_line1="1 Main St",
    ship_city="Austin",
    ship_state="TX",
    ship_postal_code="78701",
)
VARIANTS = [
    ("SOY-VAN-8", "Vanilla", "8 oz", "18.00", 20),
    ("SOY-VAN-16", "Vanilla", "16 oz", "28.00", 15),
    ("SOY-CED-8", "Cedar", "8 oz", "19.00", 20),
    ("SOY-CED-16", "Cedar", "16 oz", "32.00", 12),
]


def soy_candle(category, *, variants=VARIANTS, images: bool = True, name="Scented Soy Candle"):
    product = Product.objects.create(
        sku=f"SOY-{len(name)}-{Product.objects.count()}",
        name=name,
        slug=f"soy-{Product.objects.count()}",
        category=category,
        option1_name="Scent",
        option2_name="Size",
    )
    for position, (sku, scent, size, price, stock) in enumerate(variants):
        variant = ProductVariant.objects.create(
            product=product,
            sku=f"{sku}-{product.pk}" if Product.objects.count() > 1 else sku,
            option1=scent,
            option2=size,
            price=Decimal(price),
            stock=stock,
            position=position,
        )
        if images:
            ProductImage.objects.create(
                product=product,
                variant=variant,
                image=f"products/{variant.sku}.jpg",
                alt_text=f"{name}, {variant.label}",
                position=position,
            )
    from storefront.services import product_summary_refresh

    return product_summary_refresh(product=product)


@pytest.fixture
def candle(category):
    return soy_candle(category)


def cedar_16(product: Product) -> ProductVariant:
    return product.variants.get(option1="Cedar", option2="16 oz")


def add(client, product, **data):
    return client.post(
        "/cart/add/",
        {"product_id": str(product.pk), "quantity": "1", **data},
        HTTP_HOST=ALICE_HOST,
    )


def cart(client) -> dict[str, int]:
    return client.session.get("cart:r_alice:variants", {})


# --- Model and migration -----------------------------------------------------------
def test_variant_label_and_product_summary(candle):
    assert cedar_16(candle).label == "Cedar, 16 oz"
    assert (candle.price, candle.stock) == (Decimal("18.00"), 67)
    assert candle.option_names == ["Scent", "Size"]


def test_existing_products_become_one_default_variant_with_nothing_lost(category):
    """The data migration (storefront 0008) on products that have no variant yet."""
    migration = importlib.import_module("storefront.migrations.0008_default_variant_per_product")
    lamp = Product.objects.create(
        sku="LAMP-1", name="Lamp", slug="lamp", category=category, price="45.50", stock=7
    )
    retired = Product.objects.create(
        sku="OLD-1", name="Old", slug="old", category=category, price="3.00", active=False
    )
    migration.default_variants_create(apps, None)
    migration.default_variants_create(apps, None)  # running twice changes nothing
    assert [
        (v.product_id, v.sku, v.price, v.stock, v.label, v.active)
        for v in ProductVariant.objects.order_by("product_id")
    ] == [
        (lamp.pk, "LAMP-1", Decimal("45.50"), 7, "", True),
        (retired.pk, "OLD-1", Decimal("3.00"), 0, "", True),
    ]
    lamp.refresh_from_db()
    assert (lamp.price, lamp.stock) == (Decimal("45.50"), 7)


def test_existing_order_lines_point_at_the_default_variant(alice, category):
    migration = importlib.import_module("orders.migrations.0010_orderline_default_variant")
    lamp = Product.objects.create(
        sku="LAMP-2", name="Lamp", slug="lamp-2", category=category, price="5.00", stock=3
    )
    default = ProductVariant.objects.create(product=lamp, sku="LAMP-2", price="5.00", stock=3)
    order = Order.objects.create(
        retailer=alice,
        number="SS-TEST-0001",
        subtotal="5.00",
        shipping="0.00",
        tax="0.00",
        discount="0.00",
        total="5.00",
        **vars(CUSTOMER),
    )
    line = OrderLine.objects.create(
        order=order, product=lamp, sku="LAMP-2", name="Lamp", unit_price="5.00", quantity=1
    )
    migration.lines_link_default_variant(apps, None)
    line.refresh_from_db()
    assert (line.variant_id, line.variant_label) == (default.pk, "")


def test_sku_is_unique_across_products_and_variants(candle, category):
    from django.core.exceptions import ValidationError

    clash = Product(sku=cedar_16(candle).sku, name="X", slug="x", category=category)
    with pytest.raises(ValidationError) as refused:
        clash.full_clean()
    assert refused.value.message_dict["sku"] == ["A variant of another product uses this SKU."]
    other = Product.objects.create(sku="OTHER", name="O", slug="o", category=category)
    stolen = ProductVariant(product=other, sku=candle.sku, price="1.00")
    with pytest.raises(ValidationError) as refused:
        stolen.full_clean()
    assert refused.value.message_dict["sku"] == ["Another product already uses this SKU."]


# --- Product page: picking ------------------------------------------------------------
def test_product_page_offers_radio_groups_a_table_and_the_from_price(client, alice, candle):
    page = client.get(candle.get_absolute_url(), HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    html = page.text
    assert "<legend>Scent</legend>" in html and "<legend>Size</legend>" in html
    assert re.search(r'name="option1" value="Cedar"', html)
    assert re.search(r'name="option2" value="16 oz"', html)
    assert "From $18.00" in html
    assert '<th scope="row">Cedar, 16 oz</th><td>$32.00</td><td>In stock</td>' in html
    assert 'id="variant-data" type="application/json"' in html  # data, not a script to run
    assert "js/variants.js" in html
    assert "sessionid" not in page.cookies


def test_product_page_shows_a_named_variant_price_and_picture_first(client, alice, candle):
    page = client.get(
        candle.get_absolute_url(), {"option1": "Cedar", "option2": "16 oz"}, HTTP_HOST=ALICE_HOST
    )
    assert "$32.00" in page.text
    assert f"SKU <span data-variant-sku>{cedar_16(candle).sku}</span>" in page.text
    main = page.text.split("data-gallery-main", 1)[1].split("</a>", 1)[0]
    assert "Cedar, 16 oz" in main  # the variant's picture is the large one


def test_no_javascript_pick_by_radio_groups_adds_that_variant(client, alice, candle):
    response = add(client, candle, option1="Cedar", option2="16 oz", quantity="2")
    assert response.status_code == 302
    assert cart(client) == {str(cedar_16(candle).pk): 2}
    page = client.get("/cart/", HTTP_HOST=ALICE_HOST)
    assert "Added Scented Soy Candle (Cedar, 16 oz) to your cart (now 2)." in page.text
    assert '<span class="variant-label">Cedar, 16 oz</span>' in page.text
    assert "$64.00" in page.text


def test_javascript_pick_by_variant_id_adds_that_variant(client, alice, candle):
    response = add(client, candle, variant_id=str(cedar_16(candle).pk))
    assert response.status_code == 302
    assert cart(client) == {str(cedar_16(candle).pk): 1}


def test_a_combination_that_does_not_exist_is_refused_clearly(client, alice, category):
    candle = soy_candle(category, variants=VARIANTS[:3])  # no Cedar, 16 oz
    response = add(client, candle, option1="Cedar", option2="16 oz")
    assert response.status_code == 400
    assert (
        "Sorry, Scented Soy Candle does not come in Cedar, 16 oz. "
        "Please choose another combination." in response.text
    )
    assert cart(client) == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"option1": "Cedar"}, "Please choose a Size."),
        ({}, "Please choose a Scent and a Size."),
        ({"option1": "Pine", "option2": "8 oz"}, "does not come in Pine, 8 oz."),
        ({"variant_id": "999999"}, "that choice of Scented Soy Candle is not available"),
        ({"variant_id": "abc"}, "Please choose a Scent and a Size."),
    ],
)
def test_incomplete_or_unknown_picks_are_refused(client, alice, candle, data, message):
    response = add(client, candle, **data)
    assert response.status_code == 400
    assert message in response.text
    assert cart(client) == {}


def test_out_of_stock_is_per_variant(client, alice, category):
    candle = soy_candle(
        category, variants=[VARIANTS[0], ("SOY-CED-16", "Cedar", "16 oz", "32.00", 0)]
    )
    refused = add(client, candle, option1="Cedar", option2="16 oz")
    assert refused.status_code == 400
    assert "Sorry, Scented Soy Candle (Cedar, 16 oz) is out of stock." in refused.text
    assert add(client, candle, option1="Vanilla", option2="8 oz").status_code == 302
    too_many = add(client, candle, option1="Vanilla", option2="8 oz", quantity="20")
    assert "Only 20 of Scented Soy Candle (Vanilla, 8 oz) in stock" in too_many.text


def test_variant_of_another_product_cannot_be_added(client, alice, category, make_product):
    candle = soy_candle(category)
    lamp = make_product("Lamp")
    response = add(client, lamp, variant_id=str(cedar_16(candle).pk))
    assert response.status_code == 400
    assert cart(client) == {}


def test_deactivated_variant_is_not_offered_nor_sold(client, alice, candle):
    ProductVariant.objects.filter(pk=cedar_16(candle).pk).update(active=False)
    page = client.get(candle.get_absolute_url(), HTTP_HOST=ALICE_HOST)
    assert "Cedar, 16 oz" not in page.text
    assert add(client, candle, option1="Cedar", option2="16 oz").status_code == 400


def test_single_variant_product_needs_no_choice(client, alice, make_product):
    lamp = make_product("Lamp", price="9.00")
    page = client.get(lamp.get_absolute_url(), HTTP_HOST=ALICE_HOST)
    assert "<fieldset" not in page.text and "variants.js" not in page.text
    assert add(client, lamp).status_code == 302
    assert cart(client) == {str(variant_of(lamp).pk): 1}


# --- Cart, checkout, order lines, stock holds per variant -----------------------------
def test_cart_lines_are_per_variant_and_checkout_writes_variant_and_label(client, alice, candle):
    add(client, candle, option1="Cedar", option2="16 oz")
    add(client, candle, option1="Vanilla", option2="8 oz", quantity="2")
    from tests.orders.conftest import CHECKOUT_FORM

    response = client.post("/checkout/", CHECKOUT_FORM, HTTP_HOST=ALICE_HOST)
    assert response.status_code in (302, 303)
    order = Order.objects.get()
    assert sorted(
        (line.sku, line.variant_label, line.unit_price, line.quantity) for line in order.lines.all()
    ) == [
        (cedar_16(candle).sku, "Cedar, 16 oz", Decimal("32.00"), 1),
        ("SOY-VAN-8", "Vanilla, 8 oz", Decimal("18.00"), 2),
    ]
    assert order.subtotal == Decimal("68.00")
    assert {line.variant_id for line in order.lines.all()} == {
        cedar_16(candle).pk,
        candle.variants.get(sku="SOY-VAN-8").pk,
    }


def test_stock_is_held_and_released_per_variant(alice, candle):
    cedar = cedar_16(candle)
    order = order_place(items=[(cedar.pk, 3)], retailer=alice, customer=CUSTOMER)
    stocks = dict(candle.variants.values_list("sku", "stock"))
    assert stocks[cedar.sku] == 9
    assert stocks["SOY-VAN-16"] == 15  # the other variants are untouched
    candle.refresh_from_db()
    assert candle.stock == 64  # the product's total follows
    line = order.lines.get()
    assert (line.variant_id, line.variant_label, line.name) == (
        cedar.pk,
        "Cedar, 16 oz",
        "Scented Soy Candle",
    )
    order_transition(order_id=order.pk, to_status=Order.Status.CANCELED, actor="test")
    cedar.refresh_from_db()
    candle.refresh_from_db()
    assert (cedar.stock, candle.stock) == (12, 67)


def test_one_variant_sold_out_refuses_only_that_variant(alice, candle):
    from orders.services import CheckoutError

    cedar = cedar_16(candle)
    with pytest.raises(CheckoutError) as refused:
        order_place(items=[(cedar.pk, 13)], retailer=alice, customer=CUSTOMER)
    assert "Scented Soy Candle (Cedar, 16 oz)" in str(refused.value.products)
    assert Order.objects.count() == 0
    cedar.refresh_from_db()
    assert cedar.stock == 12
    assert order_place(items=[(cedar.pk, 12)], retailer=alice, customer=CUSTOMER)


# --- Listings and search -----------------------------------------------------------------
def test_listing_says_from_when_variant_prices_differ(client, alice, candle, make_product):
    make_product("Plain Lamp", price="9.00")
    caches_clear()
    html = client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
    assert '<span class="price">From $18.00</span>' in html
    assert '<span class="price">$9.00</span>' in html


def test_search_finds_a_variant_sku(client, alice, candle):
    for text in (cedar_16(candle).sku, "soy-ced"):
        html = client.get("/search/", {"q": text}, HTTP_HOST=ALICE_HOST).text
        assert "Scented Soy Candle" in html, text


# --- Query counts with variants and images --------------------------------------------------
def queries(client, path: str) -> int:
    caches_clear()
    client.get("/privacy/", HTTP_HOST=ALICE_HOST)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, HTTP_HOST=ALICE_HOST).status_code == 200
    return len(captured)


def test_listing_and_search_query_counts_do_not_grow_with_variants_and_images(
    client, alice, category
):
    # Enough matches that search does not reach for its "did you mean" fallback.
    for n in range(1, 6):
        soy_candle(category, name=f"Soy candle {n}")
    small = (queries(client, "/c/candles/"), queries(client, "/search/?q=soy"))
    for n in range(6, 16):
        soy_candle(category, name=f"Soy candle {n}")
    assert (queries(client, "/c/candles/"), queries(client, "/search/?q=soy")) == small


def test_product_page_query_count_does_not_grow_with_variants(client, alice, category):
    few = soy_candle(category, variants=VARIANTS[:1])
    many = soy_candle(category, variants=VARIANTS)
    assert queries(client, few.get_absolute_url()) == queries(client, many.get_absolute_url())


def test_cart_query_count_does_not_grow_with_lines(client, alice, category):
    one = soy_candle(category)
    add(client, one, option1="Cedar", option2="16 oz")
    with CaptureQueriesContext(connection) as small:
        client.get("/cart/", HTTP_HOST=ALICE_HOST)
    for option1, option2 in [("Vanilla", "8 oz"), ("Vanilla", "16 oz"), ("Cedar", "8 oz")]:
        add(client, one, option1=option1, option2=option2)
    with CaptureQueriesContext(connection) as large:
        client.get("/cart/", HTTP_HOST=ALICE_HOST)
    assert len(large) == len(small)


# --- Admin inline ------------------------------------------------------------------------
@pytest.fixture
def staff_client(client, company):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-staff-1")
    client.force_login(user)
    return client


def admin_post(client, product, variants: list[dict], **fields):
    data = {
        "sku": product.sku,
        "name": product.name,
        "slug": product.slug,
        "description": "",
        "category": product.category_id,
        "currency": "USD",
        "tax_category": "taxable",
        "active": "on",
        "option1_name": "Scent",
        "option2_name": "Size",
        "option3_name": "",
        "variants-TOTAL_FORMS": str(len(variants)),
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "1",
        "variants-MAX_NUM_FORMS": "1000",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "_save": "Save",
        **fields,
    }
    for i, row in enumerate(variants):
        data |= {f"variants-{i}-{key}": value for key, value in row.items()}
    url = f"/admin/storefront/product/{product.pk}/change/" if product.pk else None
    return client.post(url or "/admin/storefront/product/add/", data, HTTP_HOST=COMPANY_HOST)


def test_admin_edits_variants_inline_on_the_product(staff_client, category):
    page = staff_client.get("/admin/storefront/product/add/", HTTP_HOST=COMPANY_HOST)
    assert 'name="variants-0-sku"' in page.text
    product = Product(sku="MUG-1", name="Mug", slug="mug", category=category)
    rows = [
        {
            "sku": "MUG-1-B",
            "option1": "Blue",
            "option2": "8 oz",
            "price": "12.00",
            "stock": "4",
            "active": "on",
            "position": "0",
        },
        {
            "sku": "MUG-1-W",
            "option1": "White",
            "option2": "12 oz",
            "price": "14.00",
            "stock": "2",
            "active": "on",
            "position": "1",
        },
    ]
    response = admin_post(staff_client, product, rows)
    assert response.status_code == 302, response.text[:3000]
    mug = Product.objects.get(sku="MUG-1")
    assert [(v.sku, v.label, v.price, v.stock) for v in mug.variants.all()] == [
        ("MUG-1-B", "Blue, 8 oz", Decimal("12.00"), 4),
        ("MUG-1-W", "White, 12 oz", Decimal("14.00"), 2),
    ]
    assert (mug.price, mug.stock) == (Decimal("12.00"), 6)


def test_admin_refuses_a_variant_missing_an_option_value_or_a_duplicate(staff_client, category):
    product = Product(sku="MUG-2", name="Mug", slug="mug-2", category=category)
    row = {
        "option1": "Blue",
        "option2": "",
        "price": "12.00",
        "stock": "4",
        "active": "on",
        "position": "0",
    }
    response = admin_post(staff_client, product, [{"sku": "MUG-2-B", **row}])
    assert response.status_code == 200
    assert "Give this variant&#x27;s Size." in response.text
    twice = {**row, "option2": "8 oz"}
    response = admin_post(
        staff_client, product, [{"sku": "MUG-2-A", **twice}, {"sku": "MUG-2-B", **twice}]
    )
    assert response.status_code == 200
    assert not Product.objects.filter(sku="MUG-2").exists()


def test_catalog_staff_take_stock_per_variant(client, company, candle):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("stock", "p@example.com", "pw-packer-1")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Catalog"))
    client.force_login(user)
    page = client.get("/admin/storefront/productvariant/", HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    assert cedar_16(candle).sku in page.text
    assert 'name="form-0-stock"' in page.text  # Catalog edits stock
