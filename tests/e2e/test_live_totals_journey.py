"""Live checkout totals (issue 28 item 8): choosing Express or another state updates the
summary without pressing "Update totals"; the page stays within a phone's width."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import screenshot
from .flows import add_a_product_to_cart, require_checkout


def test_checkout_totals_follow_the_shipping_method_and_state(live_shop, new_context):
    require_checkout(live_shop, "demo")
    for width, height in ((390, 844), (1280, 900)):
        page = new_context(viewport={"width": width, "height": height}).new_page()
        add_a_product_to_cart(live_shop, page, "demo")
        page.goto(live_shop.url("demo", "/checkout/"))
        summary = page.locator("#checkout-summary")
        assert "Calculated at checkout" in summary.locator(".totals-tax").inner_text()

        page.get_by_label("State", exact=True).select_option("CA")
        expect(page.locator("#checkout-summary .totals-tax")).not_to_contain_text("Calculated")
        assert re.search(r"\$\d+\.\d\d", summary.locator(".totals-tax").inner_text())

        page.get_by_role("radio", name=re.compile(r"Express")).check()
        expect(page.locator("#checkout-summary .totals-shipping")).to_contain_text("19.95")
        assert "Express" in page.locator("#checkout-summary").inner_text()
        screenshot(page, f"live-totals-{width}")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"checkout is {scroll}px wide at {width}px"
