"""Catalog admin: search, filters, stock edit, bulk (de)activation, no hard delete."""

import pytest
from django.contrib.auth import get_user_model

from storefront.models import Product
from tests.catalog import variant_of
from tests.conftest import COMPANY_HOST

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/storefront/product/"


@pytest.fixture
def staff_client(client, company):
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-staff-123")
    client.force_login(user)
    return client


def test_staff_search_products_by_name_and_sku(staff_client, make_product):
    make_product("Vanilla Candle", sku="CAN-001")
    make_product("Olive Spoon", sku="KIT-002")
    by_name = staff_client.get(CHANGELIST, {"q": "vanilla"}, HTTP_HOST=COMPANY_HOST)
    by_sku = staff_client.get(CHANGELIST, {"q": "KIT-002"}, HTTP_HOST=COMPANY_HOST)
    assert by_name.status_code == 200
    assert "Vanilla Candle" in by_name.text and "Olive Spoon" not in by_name.text
    assert "Olive Spoon" in by_sku.text and "Vanilla Candle" not in by_sku.text


def test_staff_filter_by_stock_active_and_category(staff_client, make_product, other_category):
    make_product("Stocked", stock=4)
    make_product("Empty", stock=0)
    make_product("Retired", active=False)
    make_product("Bowl", in_category=other_category)
    out = staff_client.get(CHANGELIST, {"in_stock": "no"}, HTTP_HOST=COMPANY_HOST).text
    assert "Empty" in out and "Stocked" not in out
    inactive = staff_client.get(CHANGELIST, {"active__exact": "0"}, HTTP_HOST=COMPANY_HOST).text
    assert "Retired" in inactive and "Stocked" not in inactive
    kitchen = staff_client.get(
        CHANGELIST, {"category__id__exact": other_category.pk}, HTTP_HOST=COMPANY_HOST
    ).text
    assert "Bowl" in kitchen and "Stocked" not in kitchen


def test_staff_bulk_deactivate_and_activate(staff_client, make_product):
    a, b, c = make_product(), make_product(), make_product()
    response = staff_client.post(
        CHANGELIST,
        {"action": "deactivate", "_selected_action": [a.pk, b.pk]},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 302
    assert dict(Product.objects.values_list("pk", "active")) == {
        a.pk: False,
        b.pk: False,
        c.pk: True,
    }
    staff_client.post(
        CHANGELIST, {"action": "activate", "_selected_action": [a.pk]}, HTTP_HOST=COMPANY_HOST
    )
    assert Product.objects.get(pk=a.pk).active is True


def test_products_cannot_be_deleted_in_admin(staff_client, make_product):
    candle = make_product()
    page = staff_client.get(CHANGELIST, HTTP_HOST=COMPANY_HOST)
    assert "delete_selected" not in page.text
    response = staff_client.post(
        f"{CHANGELIST}{candle.pk}/delete/", {"post": "yes"}, HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code == 403
    response = staff_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [candle.pk], "post": "yes"},
        HTTP_HOST=COMPANY_HOST,
    )
    assert Product.objects.filter(pk=candle.pk).exists()


def test_staff_edit_variant_stock_from_the_variant_list(staff_client, make_product):
    candle = make_product(stock=3)
    variant = variant_of(candle)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(variant.pk),
        "form-0-stock": "42",
        "_save": "Save",
    }
    response = staff_client.post("/admin/storefront/productvariant/", data, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 302
    variant.refresh_from_db()
    assert variant.stock == 42
    assert Product.objects.get(pk=candle.pk).stock == 42  # the product's summary follows


def test_product_form_has_image_inline(staff_client, make_product):
    candle = make_product()
    page = staff_client.get(f"{CHANGELIST}{candle.pk}/change/", HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    assert 'name="images-0-alt_text"' in page.text


def test_deactivation_reaches_cached_listing_at_once(
    staff_client, alice, make_product, django_capture_on_commit_callbacks
):
    from tests.conftest import ALICE_HOST

    candle = make_product("Cached Candle")
    assert "Cached Candle" in staff_client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            CHANGELIST,
            {"action": "deactivate", "_selected_action": [candle.pk]},
            HTTP_HOST=COMPANY_HOST,
        )
    assert "Cached Candle" not in staff_client.get("/c/candles/", HTTP_HOST=ALICE_HOST).text


def test_categories_nest_one_level_only(category):
    from django.core.exceptions import ValidationError

    from storefront.models import Category

    tapers = Category.objects.create(name="Tapers", slug="tapers", parent=category)
    deeper = Category(name="Thin tapers", slug="thin-tapers", parent=tapers)
    with pytest.raises(ValidationError) as refused:
        deeper.full_clean()
    assert refused.value.message_dict == {"parent": ["Choose a top-level category as the parent."]}
    category.parent = category
    with pytest.raises(ValidationError):
        category.full_clean()
    kitchen = Category.objects.create(name="Kitchen", slug="kitchen")
    category.parent = kitchen  # candles has a sub-category: it cannot become one
    with pytest.raises(ValidationError):
        category.full_clean()
