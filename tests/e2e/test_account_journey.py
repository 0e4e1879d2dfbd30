"""A buyer who first ordered as a guest: sign up -> verify the address (the guest order
joins) -> forget the password -> reset it from the email -> sign in -> see the order.
Every link is followed from the .eml files the app wrote, as a person would."""

from __future__ import annotations

import re

from .conftest import screenshot
from .flows import place_order, require_checkout, shopper_sign_in
from .helpers import require_feature, serious_axe_violations

EMAIL = "jo.account@example.com"
FIRST_PASSWORD = "first-long-passphrase-31"
NEW_PASSWORD = "second-long-passphrase-57"


def _link(mail, fragment: str) -> str:
    links = [url for url in mail.links() if fragment in url]
    assert links, (fragment, mail.text)
    return links[0]


def test_sign_up_verify_forget_reset_and_find_the_earlier_guest_order(live_shop, new_context):
    require_checkout(live_shop, "demo")
    require_feature(live_shop, "demo", "/account/password/reset/", "password reset")
    mailbox = live_shop.mailbox

    # 1. An order as a guest; its confirmation email links a status page needing no account.
    guest = new_context().new_page()
    order = place_order(live_shop, guest, "demo", email=EMAIL)
    confirmation = mailbox.wait_for(lambda m: EMAIL in m.to and order.number in m.subject)
    status_url = _link(confirmation, "/orders/status/")
    assert status_url.startswith(f"http://demo.localhost:{live_shop.port}/orders/status/")
    stranger = new_context().new_page()
    stranger.goto(status_url)
    assert stranger.get_by_role("heading", name=f"Order {order.number}").is_visible()
    screenshot(stranger, "account-order-status")
    assert serious_axe_violations(stranger) == []

    # 2. Sign up with the same address: the order is not the account's yet.
    page = new_context().new_page()
    page.goto(live_shop.url("demo", "/account/signup/"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Full name").fill("Jo O'Connor")
    page.get_by_label("What year were you born?").fill("1988")
    page.get_by_label("Password").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    # The same answer whether or not the address had an account (issue 30): sign in next.
    page.get_by_role("heading", name="Check your email").wait_for()
    screenshot(page, "account-signup-sent")
    shopper_sign_in(live_shop, page, EMAIL, FIRST_PASSWORD)
    assert page.get_by_text("Please confirm your email address").is_visible()
    assert order.number not in page.content()
    screenshot(page, "account-unverified")

    # 3. Verify from the email: the guest order joins, and the page says which.
    verify = mailbox.wait_for(lambda m: EMAIL in m.to and "Confirm your email" in m.subject)
    assert "Jo O'Connor" in verify.text  # a text part, not HTML-escaped
    page.goto(_link(verify, "/account/email/verify/"))
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Confirm my email address").click()
    page.get_by_role("heading", name="Email address confirmed").wait_for()
    assert page.get_by_text(order.number).is_visible()
    screenshot(page, "account-verified")
    joined = mailbox.wait_for(lambda m: EMAIL in m.to and "joined your account" in m.subject)
    assert order.number in joined.text

    # 4. Forget the password.
    page.get_by_role("button", name="Sign out").first.click()
    page.goto(live_shop.url("demo", "/account/login/"))
    page.get_by_role("link", name="Forgot your password?").click()
    assert serious_axe_violations(page) == []
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Email me a link").click()
    page.get_by_role("heading", name="Check your email").wait_for()

    # 5. Reset it from the email (a link on this storefront's own subdomain).
    reset = mailbox.wait_for(lambda m: EMAIL in m.to and "Reset your" in m.subject)
    reset_url = _link(reset, "/account/password/reset/")
    assert reset_url.startswith(f"http://demo.localhost:{live_shop.port}/")
    page.goto(reset_url)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    screenshot(page, "account-reset")
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Save my new password").click()
    page.get_by_role("heading", name="Your password is changed").wait_for()

    # The link worked once.
    page.goto(reset_url)
    assert page.get_by_role("heading", name="This link no longer works").is_visible()
    assert page.get_by_role("link", name="Ask for a new link").is_visible()

    # 6. Sign in with the new password and find the earlier guest order.
    page.goto(live_shop.url("demo", "/account/login/"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/account/orders/$"))
    assert page.get_by_role("link", name=order.number).is_visible()
    nav = page.get_by_role("navigation", name="Your account")
    for name in ("Orders", "My data", "Password", "Email"):
        assert nav.get_by_role("link", name=name).is_visible()
    screenshot(page, "account-orders")
    assert serious_axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "account-orders-390")
    page.goto(live_shop.url("demo", "/account/email/"))
    assert page.get_by_text("confirmed", exact=True).is_visible()
    assert serious_axe_violations(page) == []
