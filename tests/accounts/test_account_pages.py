"""Account pages link each other on every storefront (and the company site); a shopper
changes their password."""

from __future__ import annotations

import pytest

from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

from .conftest import NEW_PASSWORD, PASSWORD, outbox
from .support import email_verified_set

pytestmark = pytest.mark.django_db

STOREFRONT_PAGES = [
    "/account/orders/",
    "/privacy/my-data/",
    "/account/password/",
    "/account/email/",
]
LINKS = [
    'href="/account/orders/"',
    'href="/privacy/my-data/"',
    'href="/account/password/"',
    'href="/account/email/"',
    'action="/account/logout/"',
]


@pytest.mark.parametrize("host", [ALICE_HOST, BOB_HOST])
@pytest.mark.parametrize("path", STOREFRONT_PAGES)
def test_every_account_page_links_the_others_on_every_storefront(
    client, alice, bob, make_shopper, host, path
):
    client.force_login(make_shopper("pat@example.com"))
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    nav = response.text.split('aria-label="Your account"', 1)[1].split("</nav>", 1)[0]
    for link in LINKS:
        assert link in nav, (host, path, link)
    assert 'aria-current="page"' in nav


def test_the_company_site_has_the_same_pages_but_orders(client, company, make_shopper):
    client.force_login(make_shopper("pat@example.com"))
    for path in ["/privacy/my-data/", "/account/password/", "/account/email/"]:
        page = client.get(path, HTTP_HOST=COMPANY_HOST).text
        nav = page.split('aria-label="Your account"', 1)[1].split("</nav>", 1)[0]
        assert 'href="/account/password/"' in nav and 'href="/account/orders/"' not in nav


def test_the_unverified_notice_shows_until_the_address_is_proved(client, alice, make_shopper):
    pat = make_shopper("pat@example.com")
    client.force_login(pat)
    assert (
        "Please confirm your email address"
        in client.get("/account/orders/", HTTP_HOST=ALICE_HOST).text
    )
    email_verified_set(pat)
    assert (
        "Please confirm your email address"
        not in client.get("/account/orders/", HTTP_HOST=ALICE_HOST).text
    )


def test_a_shopper_changes_their_password_and_stays_signed_in(client, alice, make_shopper):
    pat = make_shopper("pat@example.com")
    client.force_login(pat)
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/password/?changed=1"
    pat.refresh_from_db()
    assert pat.check_password(NEW_PASSWORD)
    page = client.get("/account/password/?changed=1", HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200  # the session survived the change
    assert "Your password is changed" in page.text
    assert [r.to for r in outbox("account_password_changed")] == ["pat@example.com"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            "incorrect",
        ),
        (
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": "other-pass-1234",
            },
            "didn",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
            "too common",
        ),
    ],
)
def test_a_refused_password_change_changes_nothing(client, alice, make_shopper, data, error):
    pat = make_shopper("pat@example.com")
    client.force_login(pat)
    response = client.post("/account/password/", data, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 400
    assert error in response.text
    pat.refresh_from_db()
    assert pat.check_password(PASSWORD)
    assert outbox("account_password_changed") == []
