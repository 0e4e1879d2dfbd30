"""Verified email: sign-up sends a link; earlier guest orders join once it is used;
changing the address takes effect only through the new address's link."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from orders.accounts.models import AccountEmail
from orders.accounts.selectors import email_verified_for_user
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

from .conftest import NEW_PASSWORD, PASSWORD, link_in, outbox, rendered_text
from .support import email_verified_set

pytestmark = pytest.mark.django_db
User = get_user_model()

SIGNUP = {
    "email": "Pat@Example.com",
    "full_name": "Pat O'Neil",
    "birth_year": "1990",
    "password": PASSWORD,
}


def _verify_path(row) -> str:
    return urlsplit(link_in(rendered_text(row), "http://")).path


def _signup(client, host=ALICE_HOST):
    """Sign up, then sign in with the password (sign-up itself signs nobody in)."""
    response = client.post("/account/signup/", SIGNUP, HTTP_HOST=host)
    assert response.status_code == 200 and "Check your email" in response.text
    signed_in = client.post(
        "/account/login/", {"email": SIGNUP["email"], "password": PASSWORD}, HTTP_HOST=host
    )
    assert signed_in.status_code == 303
    return User.objects.get(username="pat@example.com")


def test_sign_up_sends_a_verification_link_and_verifies_nothing_yet(client, alice):
    pat = _signup(client)
    record = AccountEmail.objects.get(user=pat)
    assert (record.verified_email, record.pending_email) == ("", "pat@example.com")
    assert email_verified_for_user(user=pat) == ""
    [row] = outbox("account_email_verify")
    assert row.to == "pat@example.com"
    text = rendered_text(row)
    assert "Pat O'Neil" in text  # a text part, not HTML-escaped
    link_in(text, "http://alice.shop.test/account/email/verify/")
    # Account pages say the address is not confirmed yet.
    page = client.get("/account/orders/", HTTP_HOST=ALICE_HOST).text
    assert "Please confirm your email address" in page


def test_guest_orders_join_only_once_the_address_is_verified(client, alice, bob, make_order):
    earlier = make_order(alice, email="PAT@example.com")
    elsewhere = make_order(bob, email="pat@example.com")  # another storefront
    someone_else = make_order(alice, email="sam@example.com")
    pat = _signup(client)
    assert "SS-ACCT" not in client.get("/account/orders/", HTTP_HOST=ALICE_HOST).text

    path = _verify_path(outbox("account_email_verify")[0])
    shown = client.get(path, HTTP_HOST=ALICE_HOST)
    assert shown.status_code == 200
    assert "Confirm my email address" in shown.text
    assert AccountEmail.objects.get(user=pat).verified_email == ""  # a GET changes nothing

    done = client.post(path, HTTP_HOST=ALICE_HOST)
    assert done.status_code == 200
    assert earlier.number in done.text
    assert email_verified_for_user(user=pat) == "pat@example.com"
    earlier.refresh_from_db()
    someone_else.refresh_from_db()
    assert earlier.customer == pat
    assert someone_else.customer is None
    elsewhere.refresh_from_db()
    assert elsewhere.customer == pat
    orders_page = client.get("/account/orders/", HTTP_HOST=BOB_HOST).text
    assert earlier.number in orders_page and elsewhere.number in orders_page
    [told] = outbox("account_orders_joined")
    assert told.to == "pat@example.com"
    told_text = rendered_text(told)
    assert earlier.number in told_text and elsewhere.number in told_text
    assert someone_else.number not in told_text


def test_a_used_link_gets_a_clear_page_with_the_way_to_a_new_one(client, alice):
    _signup(client)
    path = _verify_path(outbox("account_email_verify")[0])
    client.post(path, HTTP_HOST=ALICE_HOST)
    again = client.get(path, HTTP_HOST=ALICE_HOST)
    assert again.status_code == 400
    assert "This link no longer works" in again.text
    assert "/account/email/" in again.text
    assert client.post(path, HTTP_HOST=ALICE_HOST).status_code == 400


def test_an_expired_link_verifies_nothing(client, alice, settings):
    pat = _signup(client)
    path = _verify_path(outbox("account_email_verify")[0])
    settings.ACCOUNT_EMAIL_VERIFY_SECONDS = -1
    assert client.post(path, HTTP_HOST=ALICE_HOST).status_code == 400
    assert email_verified_for_user(user=pat) == ""


def test_a_new_link_retires_the_old_one(client, alice):
    pat = _signup(client)
    old = _verify_path(outbox("account_email_verify")[0])
    response = client.post("/account/email/resend/", HTTP_HOST=ALICE_HOST)
    assert response["Location"] == "/account/email/?sent=verify"
    new = _verify_path(outbox("account_email_verify")[1])
    assert client.post(old, HTTP_HOST=ALICE_HOST).status_code == 400
    assert client.post(new, HTTP_HOST=ALICE_HOST).status_code == 200
    assert email_verified_for_user(user=pat) == "pat@example.com"


def test_a_forged_link_is_refused(client, alice, make_shopper):
    pat = make_shopper("pat@example.com")
    response = client.post("/account/email/verify/MQ/abc-123/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 400
    assert not AccountEmail.objects.filter(user=pat, verified_at__isnull=False).exists()


# --- Email change -----------------------------------------------------------------------
def test_a_change_takes_effect_only_through_the_new_addresss_link(
    client, alice, make_shopper, make_order
):
    pat = make_shopper("pat@example.com", first_name="Pat")
    email_verified_set(pat)
    new_guest_order = make_order(alice, email="pat.new@example.com")
    client.force_login(pat)
    response = client.post(
        "/account/email/",
        {"email": "Pat.New@example.com", "password": PASSWORD},
        HTTP_HOST=ALICE_HOST,
    )
    assert response["Location"] == "/account/email/?sent=change"
    pat.refresh_from_db()
    assert pat.email == "pat@example.com"  # not yet
    assert email_verified_for_user(user=pat) == "pat@example.com"
    [row] = outbox("account_email_verify")
    assert row.to == "pat.new@example.com"
    page = client.get("/account/email/?sent=change", HTTP_HOST=ALICE_HOST).text
    assert "pat.new@example.com" in page

    assert client.post(_verify_path(row), HTTP_HOST=ALICE_HOST).status_code == 200
    pat.refresh_from_db()
    assert (pat.email, pat.username) == ("pat.new@example.com", "pat.new@example.com")
    assert email_verified_for_user(user=pat) == "pat.new@example.com"
    new_guest_order.refresh_from_db()
    assert new_guest_order.customer == pat
    [told] = outbox("account_email_changed")
    assert told.to == "pat@example.com"
    assert "p***@example.com" in rendered_text(told)
    # Signing in now uses the new address.
    client.logout()
    login = client.post(
        "/account/login/",
        {"email": "pat.new@example.com", "password": PASSWORD},
        HTTP_HOST=ALICE_HOST,
    )
    assert login.status_code == 303


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "taken@example.com", "password": PASSWORD}, "Another account already uses"),
        ({"email": "new@example.com", "password": "wrong"}, "not your current password"),
        ({"email": "pat@example.com", "password": PASSWORD}, "already your email address"),
        ({"email": "not-an-address", "password": PASSWORD}, "valid email"),
    ],
)
def test_a_refused_change_changes_nothing(client, alice, make_shopper, data, error):
    make_shopper("taken@example.com")
    pat = make_shopper("pat@example.com")
    client.force_login(pat)
    response = client.post("/account/email/", data, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 400
    assert error in response.text
    assert outbox("account_email_verify") == []
    assert not AccountEmail.objects.exclude(pending_email="").exists()


def test_an_address_taken_meanwhile_is_not_proved_twice(client, alice, make_shopper):
    pat = make_shopper("pat@example.com")
    client.force_login(pat)
    client.post(
        "/account/email/", {"email": "new@example.com", "password": PASSWORD}, HTTP_HOST=ALICE_HOST
    )
    path = _verify_path(outbox("account_email_verify")[0])
    other = make_shopper("new@example.com")
    email_verified_set(other)
    response = client.post(path, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 409
    pat.refresh_from_db()
    assert pat.email == "pat@example.com"


def test_a_completed_password_reset_proves_the_address(client, alice, make_shopper, make_order):
    """The real owner of an address someone signed up with takes the account over by reset,
    and only then do their guest orders join it."""
    squatter_account = make_shopper("victim@example.com")
    guest = make_order(alice, email="victim@example.com")
    client.post("/account/password/reset/", {"email": "victim@example.com"}, HTTP_HOST=ALICE_HOST)
    link = link_in(rendered_text(outbox("account_password_reset")[0]), "http://alice.shop.test/")
    form_path = client.get(urlsplit(link).path, HTTP_HOST=ALICE_HOST)["Location"]
    client.post(
        form_path,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        HTTP_HOST=ALICE_HOST,
    )
    assert email_verified_for_user(user=squatter_account) == "victim@example.com"
    guest.refresh_from_db()
    assert guest.customer == squatter_account


def test_the_company_site_verifies_too(client, company):
    _signup(client, host=COMPANY_HOST)
    row = outbox("account_email_verify")[0]
    link_in(rendered_text(row), "http://www.shop.test/account/email/verify/")
    assert client.post(_verify_path(row), HTTP_HOST=COMPANY_HOST).status_code == 200


def test_an_address_that_is_another_accounts_username_is_refused(client, alice, make_shopper):
    get_user_model().objects.create_user("new@example.com", "someone@example.com", PASSWORD)
    pat = make_shopper("pat@example.com")
    client.force_login(pat)
    response = client.post(
        "/account/email/", {"email": "NEW@example.com", "password": PASSWORD}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 400
    assert "Another account already uses" in response.text


def test_wrong_passwords_on_an_email_change_count_toward_the_sign_in_lockout(
    client, alice, make_shopper, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    settings.ACCOUNT_RECOVERY_RATE = "100/h"
    pat = make_shopper("pat@example.com")
    client.force_login(pat)
    for _ in range(3):
        response = client.post(
            "/account/email/",
            {"email": "new@example.com", "password": "nope"},
            HTTP_HOST=ALICE_HOST,
        )
        assert response.status_code == 400
        assert "That is not your current password." in response.text
    # Locked out: even the right password is not checked, and nothing is sent.
    response = client.post(
        "/account/email/", {"email": "new@example.com", "password": PASSWORD}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 400
    assert "Too many wrong passwords" in response.text
    assert outbox("account_email_verify") == []
