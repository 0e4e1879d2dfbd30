"""Autoship as docs/autoship.md's "Try it": sign up and confirm, choose "Every 4 weeks" on
a candle, pay, see the autoship, run the due date with `manage.py autoship_run --today`
(the second order paid and emailed; a rerun places nothing), skip, cancel."""

from __future__ import annotations

import re

from .conftest import screenshot
from .flows import (
    SHOPPER,
    SHOPPER_STATE,
    confirm_email_from_mail,
    require_checkout,
    shopper_sign_in,
)
from .helpers import serious_axe_violations

EMAIL = "ava.autoship@example.com"
PASSWORD = "autoship-long-passphrase-42"


def test_autoship_a_candle_run_the_due_date_skip_and_cancel(live_shop, new_context):
    require_checkout(live_shop, "demo")
    page = new_context().new_page()

    # 1. An account with a confirmed email.
    page.goto(live_shop.url("demo", "/account/signup/"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Full name").fill("Ava Autoship")
    page.get_by_label("What year were you born?").fill("1985")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    confirm_email_from_mail(live_shop, page, EMAIL)
    shopper_sign_in(live_shop, page, EMAIL, PASSWORD)

    # 2. A candle, every 4 weeks, from the product page.
    page.goto(live_shop.url("demo", "/search/?q=candle"))
    page.locator("main a[href^='/p/']").first.click()
    page.wait_for_url(re.compile(r"/p/[^/]+/$"))
    page.get_by_label("Deliver").select_option("4")
    screenshot(page, "autoship-product")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/cart/$"))
    assert page.locator("select[name=every_weeks]").first.input_value() == "4"
    assert serious_axe_violations(page) == []
    screenshot(page, "autoship-cart")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "autoship-cart-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    # 3. Checkout and pay on the hosted page (which keeps the card).
    page.get_by_role("link", name=re.compile("checkout", re.I)).first.click()
    page.wait_for_url(re.compile(r"/checkout/$"))
    for label, value in SHOPPER.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("State", exact=True).select_option(SHOPPER_STATE)
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/offline-gateway/pay/"))
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(r"/checkout/success/"))
    first = page.locator("main strong").first.inner_text().strip()

    # 4. The account lists the autoship with its next date.
    page.goto(live_shop.url("demo", "/account/autoship/"))
    link = page.locator(".autoship-list a").first
    assert "every 4 weeks" in page.locator("main").inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/account/autoship/\d+/$"))
    autoship_url = page.url
    due = live_shop.shell(
        "from orders.autoship.models import Autoship;"
        f"print(Autoship.objects.get(customer__email='{EMAIL}').next_date.isoformat())"
    ).split()[-1]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", due), due
    screenshot(page, "autoship-account")
    assert serious_axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "autoship-account-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    # 5. The due date, by hand: the second order is placed, paid and emailed.
    out = live_shop.manage("autoship_run", "--today", due).stdout
    assert "paid: 1" in out, out
    mail = live_shop.mailbox.wait_for(
        lambda m: EMAIL in m.to and "is confirmed" in m.subject and first not in m.subject
    )
    second = re.search(r"SS-[A-Z0-9]{4}-[A-Z0-9]{4}", mail.subject).group(0)
    again = live_shop.manage("autoship_run", "--today", due).stdout
    assert "paid" not in again, again  # a rerun for the same date places nothing
    page.goto(live_shop.url("demo", "/account/orders/"))
    row = page.locator("tr", has_text=second)
    assert "Paid" in row.inner_text()

    # 6. Skip the next delivery, then cancel.
    page.goto(autoship_url)
    page.get_by_role("button", name=re.compile("^Skip the delivery")).click()
    page.get_by_text("Skipped. Next delivery").wait_for()
    page.get_by_role("button", name="Cancel autoship").click()
    page.get_by_text("Canceled. Nothing more will be sent or charged.").wait_for()
    screenshot(page, "autoship-canceled")
