"""No request gets a 500: the classes of input that used to crash answer 4xx.

- NUL and control characters, bytes that are not UTF-8 (path, query, headers,
  url-encoded fields): a 400 from shopsocial.middleware.RequestSanityMiddleware
  before any view or query sees them.
- Over-long values: every form field bound to a column is no longer than it, and
  sign-in usernames are clamped to axes' 255-character column.
- Non-numeric and out-of-range ids: 404.

The property test over every URL pattern is tests/security/test_url_properties.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

from orders.models import Order
from storefront.models import Category, Product
from tests.catalog import variant_default_add
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.orders.conftest import CHECKOUT_FORM, cart_fill

pytestmark = pytest.mark.django_db

LONG_EMAIL = "a" * 250 + "@example.com"  # 262 characters, a valid address
assert len(LONG_EMAIL) == 262


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "path",
    [
        "/offline-gateway/pay/%00/",
        "/checkout/canceled/a%00b/",
        "/account/orders/%00/",
        "/privacy/versions/%00/",
        "/contact/tickets/T-1%00/x/",
        "/p/%01candle/",
    ],
)
def test_a_nul_or_control_character_in_a_path_segment_is_a_400(client, alice, path):
    host = COMPANY_HOST if path.startswith("/offline") else ALICE_HOST
    assert client.get(path, HTTP_HOST=host).status_code == 400


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/checkout/success/", "session_id=%00"),
        ("/checkout/success/", "session_id=cs_%00x"),
        ("/search/", "q=%00"),
        ("/find-a-retailer/", "zip=%1b"),
        ("/", "page=%00"),
    ],
)
def test_a_nul_in_a_query_value_is_a_400(client, alice, path, query):
    host = COMPANY_HOST if path == "/find-a-retailer/" else ALICE_HOST
    assert client.get(f"{path}?{query}", HTTP_HOST=host).status_code == 400


@pytest.mark.parametrize(
    "url", ["/p/%FF%FE/", "/search/?q=%C0%AF", "/checkout/success/?session_id=%ED%A0%80"]
)
def test_bytes_that_are_not_utf8_are_a_400(client, alice, url):
    assert client.get(url, HTTP_HOST=ALICE_HOST).status_code == 400


def test_a_nul_in_a_header_is_a_400(client, alice):
    response = client.get("/", HTTP_HOST=ALICE_HOST, HTTP_USER_AGENT="curl\x00evil")
    assert response.status_code == 400


def test_a_nul_in_a_form_field_is_a_400_and_stores_nothing(client, alice):
    response = client.post(
        "/newsletter/", {"email": "nul\x00@example.com", "birth_year": "1980"}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 400


# --- hardening: every body type is checked (issue 30 item 5) -------------------------
MULTIPART_NUL = [
    ("/cart/discount/", {"code": "SAVE\x0010"}),
    ("/checkout/", {"shipping_method": "standard\x00", "email": "pat@example.com"}),
    ("/newsletter/", {"email\x00": "pat@example.com"}),
]


@pytest.mark.parametrize(("path", "data"), MULTIPART_NUL)
def test_a_nul_in_a_multipart_form_field_is_refused_by_the_sanity_check(client, alice, path, data):
    response = client.post(path, data, HTTP_HOST=ALICE_HOST)  # the test client sends multipart
    assert response.status_code == 400
    assert response.content == b"Bad request: A form field contains a NUL character.\n"


@pytest.mark.parametrize(("path", "data"), MULTIPART_NUL)
def test_a_nul_in_a_urlencoded_form_field_is_refused_by_the_sanity_check(client, alice, path, data):
    from urllib.parse import urlencode

    response = client.post(
        path,
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 400
    assert response.content == b"Bad request: A form field contains a NUL character.\n"


def test_a_nul_in_an_uploaded_file_name_is_refused(client, alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("photo\x00.png", b"\x89PNG\r\n", content_type="image/png")
    response = client.post("/contact/", {"attachment": upload}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 400


@pytest.mark.parametrize("body", [b'{"name": "Pat\\u0000"}', b'{"name": "Pat\x00"}'])
def test_a_nul_in_a_json_body_is_refused(client, alice, body):
    response = client.post(
        "/contact/chat/start/", body, content_type="application/json", HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code == 400
    assert response.content == b"Bad request: The request body contains a NUL character.\n"


def test_binary_file_contents_are_not_mistaken_for_a_nul_in_a_field(client, alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("photo.png", b"\x89PNG\x00\x00\x00", content_type="image/png")
    response = client.post("/contact/", {"attachment": upload}, HTTP_HOST=ALICE_HOST)
    assert b"NUL" not in response.content


def test_ordinary_text_with_line_breaks_and_unicode_still_passes(client, alice):
    response = client.get("/search/?q=caf%C3%A9+%E2%9C%93%0D%0Acandle", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_a_262_character_email_at_shopper_sign_in_is_refused_not_a_500(client, alice, host):
    response = client.post(
        "/account/login/", {"email": LONG_EMAIL, "password": "whatever"}, HTTP_HOST=host
    )
    assert response.status_code in (200, 400)


def test_a_262_character_username_at_staff_sign_in_is_refused_not_a_500(client, company):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "u" * 262, "password": "whatever"},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()


def test_axes_clamps_an_over_long_username_to_its_column(rf):
    from retailers.backends import axes_username

    request = rf.post("/account/login/", {"username": "u" * 400})
    assert len(axes_username(request, {"username": "u" * 400})) == 255
    assert len(axes_username(request, None)) == 255


def test_a_long_but_valid_email_at_sign_up_is_refused_not_a_500(client, alice):
    email = "s" * 140 + "@example.com"  # 152 characters: longer than User.username
    response = client.post(
        "/account/signup/",
        {"email": email, "full_name": "Sam", "password": "pw-Xy7!kq-long", "birth_year": "1980"},
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code in (200, 400)
    assert not get_user_model().objects.filter(email=email).exists()


def test_a_262_character_email_at_checkout_is_refused_and_places_nothing(client, alice):
    category = Category.objects.create(name="Long", slug="long")
    candle = variant_default_add(Product.objects.create(
        sku="LONG-1", name="Long Candle", slug="long-candle", category=category,
        price=Decimal("10.00"), stock=3,
    ))  # fmt: skip
    cart_fill(client, {candle: 1})
    response = client.post(
        "/checkout/", {**CHECKOUT_FORM, "email": LONG_EMAIL}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code in (200, 400)
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    "path", ["/backoffice/orders/abc/", "/backoffice/orders/99999999999999999999999/"]
)
def test_non_numeric_or_out_of_range_ids_are_not_found(client, company, path):
    user = get_user_model().objects.create_superuser("ids-admin", "ids@example.com")
    client.force_login(user)
    assert client.get(path, HTTP_HOST=COMPANY_HOST).status_code in (302, 404)
    assert client.get("/admin/orders/order/abc/change/", HTTP_HOST=COMPANY_HOST).status_code in (
        302,
        404,
    )
    assert AccessAttempt.objects.count() == 0
