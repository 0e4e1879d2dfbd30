"""Back-office pages: dashboard, orders, contact information, storefront, password."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from orders.models import Order
from retailers.models import Retailer, RetailerAuditEvent
from storefront.content.models import FeaturedProduct, StorefrontProfile
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.factories import CategoryFactory, ProductFactory

from .conftest import PASSWORD, make_order

pytestmark = pytest.mark.django_db


def get(client, path):
    return client.get(path, HTTP_HOST=COMPANY_HOST)


def post(client, path, data=None, **extra):
    return client.post(path, data or {}, HTTP_HOST=COMPANY_HOST, **extra)


# --- Dashboard and orders ------------------------------------------------------------


def test_dashboard_shows_this_retailers_figures_chart_and_latest_orders(
    alice_client, alice_owner, bob_owner
):
    make_order(alice_owner, "A-1001", "40.00")
    make_order(alice_owner, "A-1002", "10.50", days_ago=1)
    make_order(alice_owner, "A-1003", "99.00", status=Order.Status.PENDING_PAYMENT)
    make_order(alice_owner, "A-0900", "70.00", days_ago=45)
    make_order(bob_owner, "B-2001", "500.00")
    response = get(alice_client, "/backoffice/")
    assert response.status_code == 200
    text = response.text
    assert 'id="orders-30">2<' in text
    assert 'id="sales-30">$50.50<' in text
    assert "<svg" in text and "<script" not in text
    assert text.count('class="bar"') == 30
    assert "A-1001" in text and "A-1002" in text
    assert "B-2001" not in text and "$500.00" not in text


def test_refunds_are_subtracted_from_sales(alice_client, alice_owner):
    order = make_order(alice_owner, "A-1", "80.00", status=Order.Status.PARTIALLY_REFUNDED)
    Order.objects.filter(pk=order.pk).update(refunded_amount=Decimal("30.00"))
    assert 'id="sales-30">$50.00<' in get(alice_client, "/backoffice/").text


def test_order_list_shows_only_own_orders_with_filters(alice_client, alice_owner, bob_owner):
    make_order(alice_owner, "A-1", "10.00")
    make_order(alice_owner, "A-2", "20.00", status=Order.Status.SHIPPED)
    make_order(bob_owner, "B-1", "30.00")
    page = get(alice_client, "/backoffice/orders/")
    assert "A-1" in page.text and "A-2" in page.text and "B-1" not in page.text
    shipped = get(alice_client, "/backoffice/orders/?status=shipped")
    assert "A-2" in shipped.text and ">A-1<" not in shipped.text
    by_number = get(alice_client, "/backoffice/orders/?number=A-2")
    assert "A-2" in by_number.text and ">A-1<" not in by_number.text


@pytest.mark.parametrize(
    "query",
    [
        "?status=bogus",
        "?date_from=yesterday",
        "?date_from=2026-05-02&date_to=2026-05-01",
        "?page=999999",
        "?page=-1",
        "?number=" + "x" * 500,
        "?number=%27%3B+DROP+TABLE+orders_order%3B--",
    ],
)
def test_bad_order_filters_never_fail(alice_client, alice_owner, query):
    make_order(alice_owner, "A-1", "10.00")
    response = get(alice_client, "/backoffice/orders/" + query)
    assert response.status_code == 200
    assert Order.objects.filter(number="A-1").exists()


def test_order_detail_for_own_order(alice_client, alice_owner):
    order = make_order(alice_owner, "A-77", "12.00")
    response = get(alice_client, f"/backoffice/orders/{order.pk}/")
    assert response.status_code == 200
    assert "Order A-77" in response.text


def test_retailer_cannot_open_another_retailers_order(alice_client, bob_owner):
    bob_order = make_order(bob_owner, "B-77", "12.00")
    response = get(alice_client, f"/backoffice/orders/{bob_order.pk}/")
    assert response.status_code == 404
    assert "B-77" not in response.text


# --- Contact information -------------------------------------------------------------


def contact_data(**changes):
    data = {
        "legal_name": "Alice Example",
        "address_line1": "9 New Rd",
        "address_line2": "",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78702",
        "email": "alice.new@example.com",
        "phone": "512-555-0199",
    }
    data.update(changes)
    return data


def test_contact_page_shows_ssn_masked_only(alice_client):
    response = get(alice_client, "/backoffice/contact/")
    assert response.status_code == 200
    assert "***-**-6789" in response.text
    assert "123-45" not in response.text and "123456789" not in response.text


def test_contact_edit_is_saved_and_audited_without_values(alice_client, alice_owner):
    response = post(alice_client, "/backoffice/contact/", contact_data())
    assert response.status_code == 302
    alice_owner.refresh_from_db()
    assert alice_owner.address_line1 == "9 New Rd"
    assert alice_owner.phone == "+15125550199"
    # The email waits for the new address to confirm (tests/retailers/test_email_change.py).
    assert alice_owner.user.email == "alice_owner@example.com"
    event = RetailerAuditEvent.objects.get(
        retailer=alice_owner, action="contact_updated", detail__contains="phone"
    )
    assert event.actor == alice_owner.user
    assert set(event.detail.split(", ")) == {
        "legal_name",
        "address_line1",
        "postal_code",
        "phone",
    }
    assert "9 New Rd" not in event.detail


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "bob_owner@example.com"}, "already exists"),
        ({"email": "nope"}, "valid email"),
        ({"legal_name": "<b>Alice</b>"}, "letters, spaces"),
        ({"postal_code": "ABCDE"}, "ZIP code"),
        ({"state": "XX"}, "Choose a US state from the list"),
        ({"address_line1": "x" * 200}, "at most 120"),
        ({"phone": ""}, "required"),
    ],
)
def test_bad_contact_edits_change_nothing(alice_client, alice_owner, bob_owner, changes, message):
    before = Retailer.objects.filter(pk=alice_owner.pk).values().get()
    response = post(alice_client, "/backoffice/contact/", contact_data(**changes))
    assert response.status_code == 400
    assert message in response.text
    assert Retailer.objects.filter(pk=alice_owner.pk).values().get() == before
    assert not RetailerAuditEvent.objects.filter(retailer=alice_owner).exists()


def test_reveal_needs_the_password_and_writes_an_audit_row(alice_client, alice_owner):
    refused = post(alice_client, "/backoffice/contact/reveal/", {"password": "wrong"})
    assert refused.status_code == 403
    assert "123-45-6789" not in refused.text
    assert not RetailerAuditEvent.objects.filter(action="tax_id_revealed").exists()

    shown = post(alice_client, "/backoffice/contact/reveal/", {"password": PASSWORD})
    assert shown.status_code == 200
    assert "123-45-6789" in shown.text
    assert shown["Cache-Control"] == "no-store"
    event = RetailerAuditEvent.objects.get(action="tax_id_revealed")
    assert (event.retailer, event.actor) == (alice_owner, alice_owner.user)
    assert event.created_at is not None


def test_reveal_by_get_is_not_allowed(alice_client):
    assert get(alice_client, "/backoffice/contact/reveal/").status_code == 405


# --- My storefront -------------------------------------------------------------------


@pytest.fixture
def products():
    category = CategoryFactory(name="Test", slug="test-cat")
    live = ProductFactory(sku="T-1", name="Live Lamp", slug="live-lamp", category=category)
    gone = ProductFactory(
        sku="T-2", name="Old Lamp", slug="old-lamp", category=category, active=False
    )
    return live, gone


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 100, 50)).save(out, format="PNG")
    return out.getvalue()


def test_storefront_update_writes_tenant_content_and_shows_at_once(
    alice_client, alice_owner, products, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    live, _ = products
    get(alice_client, "/backoffice/")  # warm nothing in particular
    assert "Alice&#x27;s Attic" in alice_client.get("/", HTTP_HOST=ALICE_HOST).text  # cache warm
    response = post(
        alice_client,
        "/backoffice/storefront/",
        {
            "display_name": "Alice's Lamps",
            "about": "I love <b>lamps</b>.",
            "photo": SimpleUploadedFile("me.png", png_bytes(), content_type="image/png"),
            "photo_alt": "Alice smiling",
            "featured": [str(live.pk)],
        },
    )
    assert response.status_code == 302, response.content
    storefront = alice_client.get("/", HTTP_HOST=ALICE_HOST)
    assert "Alice&#x27;s Lamps" in storefront.text  # host cache invalidated
    assert "Picked by Alice&#x27;s Lamps" in storefront.text
    assert "Live Lamp" in storefront.text
    assert "I love &lt;b&gt;lamps&lt;/b&gt;." in storefront.text  # shown as text, not markup
    assert 'alt="Alice smiling"' in storefront.text
    with tenant_context(alice_owner):
        profile = StorefrontProfile.objects.get()
        assert profile.about == "I love <b>lamps</b>."
        assert profile.photo.name.endswith(".jpg")
        with Image.open(profile.photo.path) as stored:
            assert stored.format == "JPEG"
        assert list(FeaturedProduct.objects.values_list("product_id", flat=True)) == [live.pk]
    page = get(alice_client, "/backoffice/storefront/")
    assert "I love &lt;b&gt;lamps&lt;/b&gt;." in page.text


def test_storefront_photo_is_stored_upright_without_gps(
    alice_client, alice_owner, settings, tmp_path
):
    from tests.imagefiles import assert_no_metadata, jpeg_with_gps_and_orientation

    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("me.jpg", jpeg_with_gps_and_orientation(6), "image/jpeg")
    response = post(
        alice_client,
        "/backoffice/storefront/",
        {"display_name": "Alice's Attic", "about": "", "photo": photo, "photo_alt": "Alice"},
    )
    assert response.status_code == 302, response.content
    with tenant_context(alice_owner):
        stored = (tmp_path / StorefrontProfile.objects.get().photo.name).read_bytes()
    assert_no_metadata(stored)
    assert Image.open(io.BytesIO(stored)).size == (20, 40)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.png", b"<?php echo 1; ?>", content_type="image/png"), "not a photo"),
        (
            SimpleUploadedFile(
                "x.svg", b"<svg onload=alert(1)></svg>", content_type="image/svg+xml"
            ),
            "not a photo",
        ),
        (
            SimpleUploadedFile("big.png", b"0" * (5 * 1024 * 1024 + 1), content_type="image/png"),
            "larger than 5 MB",
        ),
    ],
)
def test_bad_photos_are_refused_and_nothing_changes(alice_client, alice_owner, upload, message):
    response = post(
        alice_client,
        "/backoffice/storefront/",
        {"display_name": "Changed", "about": "x", "photo": upload, "photo_alt": "a photo"},
    )
    assert response.status_code == 400
    assert message in response.text
    assert Retailer.objects.get(pk=alice_owner.pk).display_name == "Alice's Attic"
    with tenant_context(alice_owner):
        assert not StorefrontProfile.objects.exists()


def test_inactive_or_unknown_products_cannot_be_featured(alice_client, alice_owner, products):
    _, gone = products
    for pk in (str(gone.pk), "999999", "abc"):
        response = post(
            alice_client,
            "/backoffice/storefront/",
            {"display_name": "Alice's Attic", "about": "", "featured": [pk]},
        )
        assert response.status_code == 400
    with tenant_context(alice_owner):
        assert not FeaturedProduct.objects.exists()


def test_storefront_name_must_not_be_empty_or_markup(alice_client, alice_owner):
    for name in ("", "   ", "<script>x</script>"):
        response = post(alice_client, "/backoffice/storefront/", {"display_name": name})
        assert response.status_code == 400
    assert Retailer.objects.get(pk=alice_owner.pk).display_name == "Alice's Attic"


# --- Password ------------------------------------------------------------------------


def test_password_change_keeps_the_session_and_is_audited(alice_client, alice_owner):
    response = post(
        alice_client,
        "/backoffice/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-Long-Pass-77",
            "new_password2": "Another-Long-Pass-77",
        },
    )
    assert response.status_code == 302
    alice_owner.user.refresh_from_db()
    assert alice_owner.user.check_password("Another-Long-Pass-77")
    assert get(alice_client, "/backoffice/").status_code == 200
    assert RetailerAuditEvent.objects.filter(action="password_changed").count() == 1


def test_password_change_with_wrong_old_password_changes_nothing(alice_client, alice_owner):
    response = post(
        alice_client,
        "/backoffice/password/",
        {
            "old_password": "nope",
            "new_password1": "Another-Long-Pass-77",
            "new_password2": "Another-Long-Pass-77",
        },
    )
    assert response.status_code == 400
    alice_owner.user.refresh_from_db()
    assert alice_owner.user.check_password(PASSWORD)


@pytest.mark.parametrize(
    "path", ["/backoffice/contact/", "/backoffice/storefront/", "/backoffice/password/"]
)
def test_an_empty_post_gets_clear_messages_and_changes_nothing(alice_client, alice_owner, path):
    before = Retailer.objects.filter(pk=alice_owner.pk).values().get()
    response = post(alice_client, path, {})
    assert response.status_code == 400
    assert "This field is required" in response.text
    assert Retailer.objects.filter(pk=alice_owner.pk).values().get() == before
