"""A new shopper picks "Cedar, 16 oz" of the demo's scented candle and buys it through the
offline hosted payment page; the same pick works with JavaScript turned off."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import screenshot
from .flows import checkout, require_checkout

CANDLE_PATH = "/p/scented-soy-candle/"


def pick(page, scent: str, size: str) -> None:
    page.get_by_role("group", name="Scent").get_by_label(scent, exact=True).check()
    page.get_by_role("group", name="Size").get_by_label(size, exact=True).check()


def test_shopper_picks_cedar_16_oz_and_buys_it(live_shop, new_context):
    require_checkout(live_shop, "demo")
    page = new_context().new_page()
    page.goto(live_shop.url("demo", "/search/?q=scented+candle"))
    page.locator(f"main a[href='{CANDLE_PATH}']").first.click()
    page.wait_for_url(re.compile(re.escape(CANDLE_PATH) + "$"))
    expect(page.get_by_text("From $18.00")).to_be_visible()

    pick(page, "Cedar", "16 oz")
    # The script shows the chosen variant's price, SKU and picture at once.
    expect(page.locator("[data-variant-price]")).to_contain_text("$32.00")
    expect(page.locator("[data-variant-sku]")).to_have_text("CAN-SOY-CED-16")
    expect(page.locator("[data-gallery-main] img")).to_have_attribute(
        "alt", "Scented Soy Candle, Cedar, 16 oz"
    )
    screenshot(page, "variant-product-cedar-16")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/cart/$"))
    expect(page.get_by_text("Cedar, 16 oz").first).to_be_visible()
    expect(page.locator(".cart-table")).to_contain_text("$32.00")

    order = checkout(live_shop, page, "demo", email="cedar.fan@example.com")
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Scented Soy Candle (Cedar, 16 oz)")
    mail = live_shop.mailbox.wait_for(
        lambda m: "cedar.fan@example.com" in m.to and order.number in m.subject
    )
    assert "Scented Soy Candle (Cedar, 16 oz)" in mail.text
    assert "CAN-SOY-CED-16" in mail.text


def test_without_javascript_the_radio_groups_still_pick_the_variant(live_shop, new_context):
    require_checkout(live_shop, "demo")
    page = new_context(java_script_enabled=False, viewport={"width": 390, "height": 844}).new_page()
    page.goto(live_shop.url("demo", CANDLE_PATH))
    expect(page.get_by_role("table", name="All choices")).to_contain_text("Cedar, 16 oz")
    screenshot(page, "variant-product-no-js-390")
    pick(page, "Vanilla", "16 oz")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/cart/$"))
    expect(page.locator(".cart-table")).to_contain_text("Vanilla, 16 oz")
    expect(page.locator(".cart-table")).to_contain_text("$28.00")
