"""Sign-up does not tell whether an address has an account (issue 30 item 11).

A new address and an address that already has an account get the same status, page and
headers; nobody is signed in. The new address gets the confirmation link; the existing
account's owner gets "someone tried to sign up with your address" and nothing changes.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.accounts.models import AccountEmail
from tests.conftest import ALICE_HOST, COMPANY_HOST

from .conftest import PASSWORD, outbox, rendered_text
from .support import email_verified_set

pytestmark = pytest.mark.django_db
User = get_user_model()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _form(email: str) -> dict:
    return {"email": email, "full_name": "Sam Sample", "birth_year": "1990", "password": PASSWORD}


def _answer(client, email: str, host: str):
    response = client.post("/account/signup/", _form(email), HTTP_HOST=host)
    body = CSRF.sub("", response.text).replace(email, "EMAIL")
    # Headers that differ per response anyway (the clock, the request id) are left out.
    varying = ("Content-Length", "Expires", "Date", "X-Request-ID")
    headers = {k: v for k, v in response.headers.items() if k not in varying}
    return response.status_code, body, headers, client.session.get("_auth_user_id")


@pytest.fixture
def owner(db):
    user = User.objects.create_user(
        "owner@example.com", "owner@example.com", "Owners-Own-Pass-77", first_name="Olive"
    )
    email_verified_set(user)
    return user


@pytest.mark.parametrize("host", [ALICE_HOST, COMPANY_HOST])
def test_new_and_existing_addresses_get_the_same_answer(client, alice, company, owner, host):
    new = _answer(client, "newcomer@example.com", host)
    client.cookies.clear()
    existing = _answer(client, "owner@example.com", host)
    assert new == existing
    status, body, _headers, signed_in = new
    assert status == 200 and "Check your email" in body and signed_in is None


def test_the_owner_is_told_and_nothing_changes(client, alice, owner):
    password_before = owner.password
    client.post("/account/signup/", _form("Owner@Example.com"), HTTP_HOST=ALICE_HOST)
    assert User.objects.filter(email__iexact="owner@example.com").count() == 1
    owner.refresh_from_db()
    assert owner.password == password_before and owner.first_name == "Olive"
    [row] = outbox("account_signup_taken")
    assert row.to == "owner@example.com"
    text = rendered_text(row)
    assert "tried to create an account" in text
    assert "http://alice.shop.test/account/login/" in text
    assert "http://alice.shop.test/account/password/reset/" in text
    assert not outbox("account_email_verify")


def test_an_address_another_account_proved_counts_as_taken(client, alice, owner):
    """The rule of an email change: a proved address cannot be signed up with again."""
    other = User.objects.create_user("other-login", "old@example.com", "Others-Own-Pass-77")
    AccountEmail.objects.create(
        user=other, verified_email="proved@example.com", verified_at=timezone.now()
    )
    client.post("/account/signup/", _form("proved@example.com"), HTTP_HOST=ALICE_HOST)
    assert not User.objects.filter(email__iexact="proved@example.com").exists()
    [row] = outbox("account_signup_taken")
    assert row.to == "proved@example.com"


def test_a_new_address_gets_its_confirmation_link_and_an_unverified_account(client, alice):
    client.post("/account/signup/", _form("newcomer@example.com"), HTTP_HOST=ALICE_HOST)
    user = User.objects.get(username="newcomer@example.com")
    assert AccountEmail.objects.get(user=user).verified_email == ""
    [row] = outbox("account_email_verify")
    assert row.to == "newcomer@example.com"
    assert not outbox("account_signup_taken")


def test_repeated_tries_mail_the_owner_at_most_once_an_hour(client, alice, owner):
    for _ in range(3):
        client.post("/account/signup/", _form("owner@example.com"), HTTP_HOST=ALICE_HOST)
    assert len(outbox("account_signup_taken")) == 1
