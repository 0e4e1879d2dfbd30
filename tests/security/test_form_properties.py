"""Property: no input to the registration, checkout or contact form gives a server error.

Each form's field names are read from the page itself (so the test follows the form as
it evolves); hypothesis then POSTs any subset of them, with hostile values (markup,
SQL, NUL and control characters, look-alike unicode, huge strings, lists, unknown
extra fields), through the real middleware. The answer must be below 500: a
re-displayed form with messages, a redirect, 403, 404 or 429 — never a crash.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

NASTY = [
    "",
    " ",
    "<script>alert(1)</script>",
    "'; DROP TABLE retailers_retailer; --",
    "\x00",
    "a\x00b",
    "\u202e\u0430dmin",  # right-to-left override + Cyrillic a
    "ⅾemo",  # look-alike
    "😀" * 50,
    "x" * 10_000,
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "1800-01-01",
    "000-00-0000",
    "666-12-3456",
    "00-0000000",
    "user@",
    "@example.com",
    "a@b.c" * 60,
    "%00",
    "../../etc/passwd",
    "{{ 7*7 }}",
    "on",
    "true",
]
VALUE = st.one_of(st.sampled_from(NASTY), st.text(max_size=60))


def form_field_names(client: Client, host: str, path: str) -> list[str]:
    """Names of the inputs of the page's POST form (the one whose action is the page)."""
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, f"{path} on {host} answers {response.status_code}"
    html = response.content.decode()
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S | re.I)
    names: list[str] = []
    for form in forms:
        names += re.findall(r"<(?:input|select|textarea)[^>]*\bname=\"([^\"]+)\"", form)
    names = [n for n in dict.fromkeys(names) if n != "csrfmiddlewaretoken"]
    assert names, f"no POST form found on {path}"
    return names


def payloads(fields: list[str]):
    values = st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3))
    known = st.dictionaries(st.sampled_from(fields), values, max_size=len(fields))
    extra = st.dictionaries(st.text(min_size=1, max_size=12), VALUE, max_size=2)
    return st.builds(lambda a, b: {**b, **a}, known, extra)


def post_everything(client: Client, host: str, path: str, data: dict) -> int:
    # Rate limits are per client and kept in the cache: start each example afresh so
    # the form, not the limiter, answers.
    for alias in ("default", "shared"):
        caches[alias].clear()
    clean = {k.replace("\x00", ""): v for k, v in data.items()}
    response = client.post(path, clean, HTTP_HOST=host)
    return response.status_code


def test_registration_form_never_answers_with_a_server_error(company):
    client = Client()
    fields = form_field_names(client, COMPANY_HOST, "/register/")

    @PROPERTY_SETTINGS
    @given(data=payloads(fields))
    def check(data):
        assert post_everything(client, COMPANY_HOST, "/register/", data) < 500

    check()


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST], ids=["company", "storefront"])
def test_contact_form_never_answers_with_a_server_error(alice, host):
    client = Client()
    fields = form_field_names(client, host, "/contact/")

    @PROPERTY_SETTINGS
    @given(data=payloads(fields))
    def check(data):
        assert post_everything(client, host, "/contact/", data) < 500

    check()


def test_checkout_form_never_answers_with_a_server_error(alice):
    product = ProductFactory(
        sku="PROP-1",
        name="Property Candle",
        slug="property-candle",
        category__name="Prop",
        price=Decimal("9.50"),
        stock=10_000,
    )
    client = Client()
    added = client.post(
        "/cart/add/", {"product_id": product.pk, "quantity": 1}, HTTP_HOST=ALICE_HOST
    )
    assert added.status_code in (302, 303), f"add to cart answers {added.status_code}"
    fields = form_field_names(client, ALICE_HOST, "/checkout/")

    @PROPERTY_SETTINGS
    @given(data=payloads(fields))
    def check(data):
        status = post_everything(client, ALICE_HOST, "/checkout/", data)
        assert status < 500
        # Keep a cart for the next example (a valid example empties it).
        client.post("/cart/add/", {"product_id": product.pk, "quantity": 1}, HTTP_HOST=ALICE_HOST)

    check()


def test_admin_sign_in_form_never_answers_with_a_server_error(company):
    client = Client()
    fields = form_field_names(client, COMPANY_HOST, "/admin/login/")

    @PROPERTY_SETTINGS
    @given(data=payloads(fields))
    def check(data):
        assert post_everything(client, COMPANY_HOST, "/admin/login/", data) < 500

    check()
