"""Shopper accounts: one account on every storefront, order history, prefilled checkout."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.models import Order
from orders.services import order_place
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST
from tests.factories import CustomerDetailsFactory

from .conftest import CHECKOUT_FORM, cart_fill

pytestmark = pytest.mark.django_db
User = get_user_model()

SIGNUP = {
    "email": "Pat@Example.com",
    "full_name": "Pat Doe",
    "birth_year": "1990",
    "password": "a-long-unusual-passphrase-42",
}


@pytest.fixture
def pat(db):
    return User.objects.create_user(
        username="pat@example.com",
        email="pat@example.com",
        password="a-long-unusual-passphrase-42",
        first_name="Pat",
        last_name="Doe",
    )


def _order_for(user, retailer, product) -> Order:
    return order_place(
        items=[(variant_of(product).pk, 1)],
        retailer=retailer,
        customer=CustomerDetailsFactory(
            email=user.email if user else "guest@example.com",
            full_name="Pat Doe",
            phone="555-111-2222",
            ship_line1="9 Elm St",
            ship_city="Boise",
            ship_state="ID",
            ship_postal_code="83702",
        ),
        user=user,
    )


def test_shopper_signs_up_on_a_storefront_then_signs_in(client, alice):
    response = client.post("/account/signup/", SIGNUP, HTTP_HOST=ALICE_HOST)
    # Nobody is signed in by sign-up (issue 30: the same answer for an existing address).
    assert response.status_code == 200 and "Check your email" in response.text
    assert "_auth_user_id" not in client.session
    user = User.objects.get()
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "pat@example.com",
        "pat@example.com",
        "Pat",
        "Doe",
    )
    signed_in = client.post(
        "/account/login/",
        {"email": SIGNUP["email"], "password": SIGNUP["password"]},
        HTTP_HOST=ALICE_HOST,
    )
    assert signed_in.status_code == 303
    assert client.get("/account/orders/", HTTP_HOST=ALICE_HOST).status_code == 200


def test_signup_under_thirteen_stores_nothing(client, alice):
    data = {**SIGNUP, "birth_year": str(timezone.localdate().year - 12)}
    response = client.post("/account/signup/", data, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert "not able to sign you up" in response.content.decode()
    assert User.objects.count() == 0


def test_signup_with_a_weak_password_keeps_the_email_and_creates_nothing(client, alice):
    response = client.post("/account/signup/", {**SIGNUP, "password": "123"}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Pat@Example.com"' in html  # what was typed
    assert 'value="123"' not in html  # but never the password
    assert User.objects.count() == 0


def test_signup_with_an_existing_email_creates_nothing_and_does_not_say_so(client, alice, pat):
    response = client.post("/account/signup/", SIGNUP, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200 and "Check your email" in response.text
    assert "already exists" not in response.text
    assert User.objects.count() == 1


def test_one_account_signs_in_on_every_storefront(client, alice, bob, pat):
    for host in (ALICE_HOST, BOB_HOST):
        response = client.post(
            "/account/login/",
            {"email": "PAT@example.com", "password": "a-long-unusual-passphrase-42"},
            HTTP_HOST=host,
        )
        assert response.status_code == 303


def test_wrong_password_is_refused_with_a_message(client, alice, pat):
    response = client.post(
        "/account/login/", {"email": "pat@example.com", "password": "nope"}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 400
    assert "do not match an account" in response.content.decode()
    assert client.get("/account/orders/", HTTP_HOST=ALICE_HOST).status_code == 302


def test_login_does_not_redirect_to_another_site(client, alice, pat):
    response = client.post(
        "/account/login/",
        {
            "email": "pat@example.com",
            "password": "a-long-unusual-passphrase-42",
            "next": "https://evil.example/",
        },
        HTTP_HOST=ALICE_HOST,
    )
    assert response["Location"] == "/account/orders/"


def test_sign_out_is_a_post(client, alice, pat):
    client.force_login(pat)
    assert client.get("/account/logout/", HTTP_HOST=ALICE_HOST).status_code == 405
    assert client.post("/account/logout/", HTTP_HOST=ALICE_HOST).status_code == 303
    assert client.get("/account/orders/", HTTP_HOST=ALICE_HOST).status_code == 302


def test_order_history_lists_only_the_shoppers_own_orders_from_all_storefronts(
    client, alice, bob, pat, candle
):
    mine_a = _order_for(pat, alice, candle)
    mine_b = _order_for(pat, bob, candle)
    other = User.objects.create_user(username="x@example.com", email="x@example.com")
    theirs = _order_for(other, alice, candle)
    guest = _order_for(None, alice, candle)
    client.force_login(pat)
    html = client.get("/account/orders/", HTTP_HOST=ALICE_HOST).content.decode()
    assert mine_a.number in html and mine_b.number in html
    assert theirs.number not in html and guest.number not in html


def test_shopper_cannot_open_another_shoppers_order(client, alice, pat, candle):
    other = User.objects.create_user(username="x@example.com", email="x@example.com")
    theirs = _order_for(other, alice, candle)
    mine = _order_for(pat, alice, candle)
    client.force_login(pat)
    assert client.get(f"/account/orders/{theirs.number}/", HTTP_HOST=ALICE_HOST).status_code == 404
    response = client.get(f"/account/orders/{mine.number}/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert "9 Elm St" in response.content.decode()


def test_order_pages_need_a_signed_in_shopper(client, alice):
    response = client.get("/account/orders/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/account/orders/"


def test_order_history_is_on_the_company_host_too(client, company, alice, pat, candle):
    """The company site sells too, so its order mail links to history there."""
    assert client.get("/account/orders/", HTTP_HOST=COMPANY_HOST).status_code == 302
    mine = _order_for(pat, alice, candle)
    client.force_login(pat)
    html = client.get("/account/orders/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert mine.number in html
    detail = client.get(f"/account/orders/{mine.number}/", HTTP_HOST=COMPANY_HOST)
    assert detail.status_code == 200
    assert "on Alice&#x27;s Attic's storefront" in detail.content.decode()


def test_checkout_is_prefilled_for_a_signed_in_shopper(client, alice, pat, candle):
    _order_for(pat, alice, candle)
    client.force_login(pat)
    cart_fill(client, {candle: 1})
    html = client.get("/checkout/", HTTP_HOST=ALICE_HOST).content.decode()
    assert 'value="pat@example.com"' in html
    assert 'value="Pat Doe"' in html
    assert 'value="9 Elm St"' in html
    assert 'value="83702"' in html


def test_signed_in_checkout_credits_the_storefront_and_links_the_account(
    client, alice, pat, candle, django_capture_on_commit_callbacks
):
    client.force_login(pat)
    cart_fill(client, {candle: 1})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/checkout/", CHECKOUT_FORM, HTTP_HOST=ALICE_HOST)
    order = Order.objects.get()
    assert order.customer == pat
    assert order.retailer == alice


def test_anonymous_storefront_page_shows_sign_in_and_sets_no_cookie(client, alice):
    response = client.get("/", HTTP_HOST=ALICE_HOST)
    assert 'href="/account/login/"' in response.content.decode()
    assert response.cookies == {}


def test_repeated_wrong_passwords_lock_the_sign_in(client, alice, pat, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(
            "/account/login/",
            {"email": "pat@example.com", "password": "nope"},
            HTTP_HOST=ALICE_HOST,
        )
        assert response.status_code == 400
    response = client.post(
        "/account/login/",
        {"email": "pat@example.com", "password": "a-long-unusual-passphrase-42"},
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert client.get("/account/orders/", HTTP_HOST=ALICE_HOST).status_code == 302
