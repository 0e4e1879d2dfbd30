"""A retailer registers, gets a storefront at once, takes an order there, and finds it in the
back office; then edits their Contact Information."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import screenshot
from .flows import place_order, require_checkout
from .helpers import require_feature

SLUG = "ritas-rooms-e2e"
PASSWORD = "Rita-e2e-Long-Pass-77"


def register(live_shop, page) -> str:
    page.goto(live_shop.url("www", "/register/"))
    screenshot(page, "register")
    page.get_by_label("Legal name").fill("Rita Retailer")
    page.get_by_label("Date of birth").fill("1985-04-12")
    page.get_by_label("Email").fill("rita.e2e@example.com")
    page.get_by_label("Phone").fill("503-555-0142")
    page.get_by_label("Street address").fill("400 SW Oak Street")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("State").select_option("OR")
    page.get_by_label("ZIP code").fill("97205")
    page.get_by_label("Social Security number").check()
    page.get_by_label("SSN or EIN").fill("123-45-6789")
    page.get_by_label("Storefront name").fill("Rita's Rooms")
    page.get_by_label("Storefront web address").fill(SLUG)
    page.get_by_label("Username").fill("rita-e2e")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label("I accept the retailer terms").check()
    page.get_by_label("I have read the Privacy Policy").check()
    page.locator("form[action='/register/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/register/welcome/"))
    screenshot(page, "register-welcome")
    return page.locator(".retailer-number").inner_text().strip()


def test_retailer_registers_sells_and_sees_the_order_in_the_back_office(live_shop, new_context):
    require_feature(live_shop, "www", "/register/", "retailer registration")
    require_feature(live_shop, "www", "/backoffice/signin/", "the back office")
    require_checkout(live_shop, "demo")
    page = new_context().new_page()

    retailer_id = register(live_shop, page)
    assert re.fullmatch(r"[0-9A-Z-]{6,20}", retailer_id), retailer_id

    # The new storefront answers at once, under its own name.
    page.get_by_role("link", name=re.compile(SLUG)).click()
    page.wait_for_url(re.compile(rf"//{SLUG}\.localhost:\d+/"))
    expect(page.locator("header")).to_contain_text("Rita's Rooms")

    # The welcome email carries the Retailer ID and the storefront, never the SSN.
    welcome = live_shop.mailbox.wait_for(lambda m: "rita.e2e@example.com" in m.to)
    assert retailer_id in welcome.text
    assert SLUG in welcome.text
    assert "6789" not in welcome.text + welcome.html
    assert "123-45" not in welcome.text + welcome.html

    # A shopper buys on the new storefront.
    order = place_order(live_shop, new_context().new_page(), SLUG, email="rita.buyer@example.com")

    # The retailer signs in with Retailer ID + username + password and sees it.
    page.goto(live_shop.url("www", "/backoffice/signin/"))
    screenshot(page, "backoffice-signin")
    page.get_by_label("Retailer ID").fill(retailer_id)
    page.get_by_label("Username").fill("rita-e2e")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/backoffice/$"))
    screenshot(page, "backoffice-dashboard")
    page.goto(live_shop.url("www", "/backoffice/orders/"))
    expect(page.locator("main")).to_contain_text(order.number)
    screenshot(page, "backoffice-orders")
    page.get_by_role("link", name=order.number).click()
    expect(page.locator("main")).to_contain_text(order.number)
    # Only her own orders: the demo storefront's orders are not listed.
    page.goto(live_shop.url("www", "/backoffice/orders/"))
    assert (
        page.locator("main a[href^='/backoffice/orders/']")
        .filter(has_text=re.compile(r"^SS"))
        .count()
        == 1
    )

    # Contact Information: the SSN is masked; an edit is saved.
    page.goto(live_shop.url("www", "/backoffice/contact/"))
    expect(page.locator("#tax-id-masked")).to_contain_text("6789")
    assert "123-45-6789" not in page.content()
    page.get_by_role("textbox", name=re.compile(r"^Phone")).fill("503-555-0199")
    page.get_by_role("textbox", name=re.compile(r"^City")).fill("Beaverton")
    page.get_by_role("button", name="Save contact information").click()
    page.wait_for_load_state()
    screenshot(page, "backoffice-contact")
    page.goto(live_shop.url("www", "/backoffice/contact/"))
    expect(page.get_by_role("textbox", name=re.compile(r"^City"))).to_have_value("Beaverton")
    expect(page.get_by_role("textbox", name=re.compile(r"^Phone"))).to_have_value("(503) 555-0199")
