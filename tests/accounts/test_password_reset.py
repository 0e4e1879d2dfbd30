"""Password reset for shoppers (storefront and company site), retailers and staff.

Links come from SHOP_DOMAIN (the storefront's own subdomain for shoppers), never the
request's Host; they work once and expire; the answer never says whether an account
exists; requests are rate-limited.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from shopsocial.mail.models import OutboundEmail
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.retailers.conftest import PASSWORD as RETAILER_PASSWORD
from tests.retailers.conftest import sign_in

from .conftest import NEW_PASSWORD, PASSWORD, link_in, outbox, rendered_text

pytestmark = pytest.mark.django_db
User = get_user_model()


def _request_reset(client, email: str, host: str = ALICE_HOST, **extra):
    return client.post("/account/password/reset/", {"email": email}, HTTP_HOST=host, **extra)


def _path(url: str) -> str:
    return urlsplit(url).path


def _set_new_password(client, link: str, host: str, password: str = NEW_PASSWORD):
    """Follow a reset link as a browser does: the token moves to the session first."""
    first = client.get(_path(link), HTTP_HOST=host)
    assert first.status_code == 302, first.content
    form_path = first["Location"]
    assert form_path.endswith("/set-password/")
    assert client.get(form_path, HTTP_HOST=host).status_code == 200
    return client.post(
        form_path, {"new_password1": password, "new_password2": password}, HTTP_HOST=host
    )


# --- Shoppers ---------------------------------------------------------------------------
def test_a_shopper_gets_a_link_on_the_storefront_they_shop_at(client, alice, make_shopper):
    pat = make_shopper("pat@example.com", first_name="Pat")
    response = _request_reset(client, "PAT@example.com ")
    assert response.status_code == 302
    assert response["Location"] == "/account/password/reset/sent/"
    [row] = outbox("account_password_reset")
    assert (row.to, row.kind) == ("pat@example.com", OutboundEmail.Kind.TRANSACTIONAL)
    # The row holds ids, never the secret link (anyone reading the outbox could use it).
    assert "reset" not in json.dumps(row.context["links"]["args"]).lower()
    assert "/account/password/reset/M" not in json.dumps(row.context)
    text = rendered_text(row)
    link = link_in(text, "http://alice.shop.test/account/password/reset/")
    assert link.count("/") == 8  # .../reset/<uid>/<token>/
    assert "&#x27;" not in text and "&amp;" not in text

    assert _set_new_password(client, link, ALICE_HOST).status_code == 302
    pat.refresh_from_db()
    assert pat.check_password(NEW_PASSWORD)
    [notice] = outbox("account_password_changed")
    assert notice.to == "pat@example.com"


def test_the_company_site_links_to_the_company_site(client, company, make_shopper):
    make_shopper("pat@example.com")
    _request_reset(client, "pat@example.com", host=COMPANY_HOST)
    link_in(rendered_text(outbox("account_password_reset")[0]), "http://www.shop.test/account/")


def test_no_account_gets_the_same_answer_and_nothing_is_sent(client, alice, make_shopper):
    make_shopper("pat@example.com")
    known = _request_reset(client, "pat@example.com")
    unknown = _request_reset(client, "nobody@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    sent = client.get("/account/password/reset/sent/", HTTP_HOST=ALICE_HOST)
    assert "If that address belongs to an account" in sent.text
    assert [r.to for r in outbox("account_password_reset")] == ["pat@example.com"]


def test_staff_and_retailer_logins_are_not_reset_from_a_storefront(client, alice, alice_owner):
    User.objects.create_user("staffer", "staff@example.com", PASSWORD, is_staff=True)
    _request_reset(client, "staff@example.com")
    _request_reset(client, alice_owner.user.email)
    assert outbox("account_password_reset") == []


@pytest.mark.parametrize(
    "poison",
    [
        {"HTTP_X_FORWARDED_HOST": "evil.example"},
        {"HTTP_X_FORWARDED_HOST": "alice.shop.test.evil.example"},
        {"HTTP_FORWARDED": "host=evil.example"},
        {"HTTP_X_FORWARDED_SERVER": "evil.example"},
    ],
)
def test_forwarded_host_headers_do_not_change_the_link(client, alice, make_shopper, poison):
    make_shopper("pat@example.com")
    assert _request_reset(client, "pat@example.com", **poison).status_code == 302
    text = rendered_text(outbox("account_password_reset")[0])
    assert "evil" not in text
    link_in(text, "http://alice.shop.test/account/password/reset/")


@pytest.mark.parametrize(
    "host", ["evil.example", "alice.shop.test.evil.example", "shop.test:81@evil.example"]
)
def test_a_foreign_host_is_refused_and_sends_nothing(client, alice, make_shopper, host):
    make_shopper("pat@example.com")
    client.raise_request_exception = False
    response = _request_reset(client, "pat@example.com", host=host)
    assert response.status_code in (400, 404)
    assert outbox("account_password_reset") == []


def test_a_link_works_once(client, alice, make_shopper):
    make_shopper("pat@example.com")
    _request_reset(client, "pat@example.com")
    link = link_in(rendered_text(outbox("account_password_reset")[0]), "http://alice.shop.test/")
    assert _set_new_password(client, link, ALICE_HOST).status_code == 302
    client.logout()
    again = client.get(_path(link), HTTP_HOST=ALICE_HOST)
    assert again.status_code == 200
    assert "This link no longer works" in again.text
    assert 'href="/account/password/reset/"' in again.text  # ask for a new one
    assert "no-store" in again["Cache-Control"]


def test_an_expired_link_gets_the_clear_page(client, alice, make_shopper, settings):
    pat = make_shopper("pat@example.com")
    _request_reset(client, "pat@example.com")
    link = link_in(rendered_text(outbox("account_password_reset")[0]), "http://alice.shop.test/")
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is now older than allowed
    response = client.get(_path(link), HTTP_HOST=ALICE_HOST)
    assert "This link no longer works" in response.text
    pat.refresh_from_db()
    assert pat.check_password(PASSWORD)


def test_a_forged_link_changes_nothing(client, alice, make_shopper):
    pat = make_shopper("pat@example.com")
    path = "/account/password/reset/MQ/set-password/"
    response = client.post(
        path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, HTTP_HOST=ALICE_HOST
    )
    assert "This link no longer works" in response.text
    pat.refresh_from_db()
    assert pat.check_password(PASSWORD)


def test_requests_are_rate_limited_per_address(client, alice, make_shopper, settings):
    settings.ACCOUNT_RECOVERY_RATE = "2/h"
    make_shopper("pat@example.com")
    assert _request_reset(client, "pat@example.com").status_code == 302
    assert _request_reset(client, "pat@example.com").status_code == 302
    third = _request_reset(client, "pat@example.com", REMOTE_ADDR="10.9.9.9")
    assert third.status_code == 429
    assert "Too many requests" in third.text
    assert len(outbox("account_password_reset")) == 2


def test_requests_are_rate_limited_per_client(client, alice, settings):
    settings.ACCOUNT_RECOVERY_RATE = "2/h"
    for n in range(2):
        assert _request_reset(client, f"x{n}@example.com").status_code == 302
    assert _request_reset(client, "x9@example.com").status_code == 429


def test_the_sign_in_page_offers_the_reset(client, alice):
    assert (
        'href="/account/password/reset/"'
        in client.get("/account/login/", HTTP_HOST=ALICE_HOST).text
    )


# --- Retailers ----------------------------------------------------------------------------
@pytest.mark.parametrize("by", ["retailer_number", "username"])
def test_a_retailer_resets_by_retailer_id_or_username_via_the_email_on_file(
    client, company, alice_owner, by
):
    # The shop's email on file differs from the login's own address: the link goes to the file.
    type(alice_owner).objects.filter(pk=alice_owner.pk).update(email="shop-file@example.com")
    identifier = (
        alice_owner.retailer_number if by == "retailer_number" else alice_owner.user.username
    )
    response = client.post(
        "/backoffice/password-reset/", {"identifier": identifier}, HTTP_HOST=COMPANY_HOST
    )
    assert response["Location"] == "/backoffice/password-reset/sent/"
    [row] = outbox("account_password_reset")
    assert row.to == "shop-file@example.com"
    text = rendered_text(row)
    assert alice_owner.user.username in text
    link = link_in(text, "http://www.shop.test/backoffice/password-reset/")
    assert _set_new_password(client, link, COMPANY_HOST).status_code == 302
    assert (
        client.get("/backoffice/password-reset/complete/", HTTP_HOST=COMPANY_HOST).status_code
        == 200
    )
    alice_owner.refresh_from_db()
    assert sign_in(client, alice_owner, password=NEW_PASSWORD).status_code == 302
    assert not alice_owner.user.check_password(RETAILER_PASSWORD)
    assert outbox("account_password_changed")[0].to == "shop-file@example.com"


def test_an_unknown_retailer_gets_the_same_answer(client, company, alice_owner):
    response = client.post(
        "/backoffice/password-reset/", {"identifier": "RW999"}, HTTP_HOST=COMPANY_HOST
    )
    assert response["Location"] == "/backoffice/password-reset/sent/"
    assert outbox("account_password_reset") == []


def test_a_retailer_link_does_not_work_on_the_shopper_or_staff_pages(client, company, alice_owner):
    client.post(
        "/backoffice/password-reset/",
        {"identifier": alice_owner.retailer_number},
        HTTP_HOST=COMPANY_HOST,
    )
    link = link_in(rendered_text(outbox("account_password_reset")[0]), "http://www.shop.test/")
    uid_token = _path(link).removeprefix("/backoffice/password-reset/")
    for prefix in ("/account/password/reset/", "/admin/reset/"):
        response = client.get(prefix + uid_token, HTTP_HOST=COMPANY_HOST)
        assert response.status_code == 200
        assert "set-password" not in response.get("Location", "")


def test_forgot_retailer_id_is_sent_to_the_email_on_file(client, company, alice_owner):
    response = client.post(
        "/backoffice/forgot-id/", {"email": alice_owner.email.upper()}, HTTP_HOST=COMPANY_HOST
    )
    assert response["Location"] == "/backoffice/forgot-id/sent/"
    [row] = outbox("retailer_id_reminder")
    assert row.to == alice_owner.email
    text = rendered_text(row)
    assert alice_owner.retailer_number in text
    assert "http://www.shop.test/backoffice/signin/" in text
    other = client.post(
        "/backoffice/forgot-id/", {"email": "nobody@example.com"}, HTTP_HOST=COMPANY_HOST
    )
    assert other["Location"] == "/backoffice/forgot-id/sent/"
    assert len(outbox("retailer_id_reminder")) == 1


def test_the_back_office_sign_in_offers_both(client, company):
    page = client.get("/backoffice/signin/", HTTP_HOST=COMPANY_HOST).text
    assert 'href="/backoffice/password-reset/"' in page
    assert 'href="/backoffice/forgot-id/"' in page


# --- Staff ----------------------------------------------------------------------------------
def test_staff_reset_from_the_admin_sign_in(client, company):
    staffer = User.objects.create_user("staffer", "staff@example.com", PASSWORD, is_staff=True)
    login_page = client.get("/admin/login/", HTTP_HOST=COMPANY_HOST)
    assert 'href="/admin/password_reset/"' in login_page.text
    response = client.post(
        "/admin/password_reset/",
        {"email": "staff@example.com"},
        HTTP_HOST=COMPANY_HOST,
        HTTP_X_FORWARDED_HOST="evil.example",
    )
    assert response["Location"] == "/admin/password_reset/done/"
    text = rendered_text(outbox("account_password_reset")[0])
    assert "evil" not in text
    link = link_in(text, "http://www.shop.test/admin/reset/")
    assert _set_new_password(client, link, COMPANY_HOST)["Location"] == "/admin/reset/done/"
    staffer.refresh_from_db()
    assert staffer.check_password(NEW_PASSWORD)


def test_the_staff_form_sends_nothing_to_shoppers(client, company, make_shopper):
    make_shopper("pat@example.com")
    response = client.post(
        "/admin/password_reset/", {"email": "pat@example.com"}, HTTP_HOST=COMPANY_HOST
    )
    assert response["Location"] == "/admin/password_reset/done/"
    assert outbox("account_password_reset") == []


def test_the_breach_notice_that_says_choose_a_new_password_links_where_to(company):
    from django.utils import timezone

    from privacy.models import BreachIncident
    from privacy.services.breach import _notice_context

    incident = BreachIncident(title="t", discovered_at=timezone.now(), description="d")
    row = OutboundEmail(
        kind=OutboundEmail.Kind.LEGAL,
        to="x@example.com",
        template="breach_notice",
        context=_notice_context(incident),
    )
    text = rendered_text(row)
    assert "Choose a new password: http://www.shop.test/account/password/reset/" in text
    assert "http://www.shop.test/backoffice/password-reset/" in text


def test_a_locked_out_retailer_who_resets_can_sign_in_again(client, company, alice_owner, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(client, alice_owner, password="wrong")
    assert sign_in(client, alice_owner).status_code == 429
    client.post(
        "/backoffice/password-reset/",
        {"identifier": alice_owner.retailer_number},
        HTTP_HOST=COMPANY_HOST,
    )
    link = link_in(rendered_text(outbox("account_password_reset")[0]), "http://www.shop.test/")
    _set_new_password(client, link, COMPANY_HOST)
    assert sign_in(client, alice_owner, password=NEW_PASSWORD).status_code == 302
