"""A shopper buys with a discount code and express shipping to a taxed state (issue 13):
the same discount and tax on the cart, checkout, hosted payment page, confirmation page
and confirmation email; the same total from checkout on."""

from __future__ import annotations

import re
from decimal import Decimal

from .conftest import screenshot
from .flows import add_a_product_to_cart, require_checkout


def _money(text: str) -> Decimal:
    return Decimal(re.search(r"-?\d+\.\d\d", text.replace(",", "")).group(0))


def test_discount_code_and_express_shipping_to_a_taxed_state(live_shop, new_context):
    require_checkout(live_shop, "demo")
    page = new_context().new_page()
    add_a_product_to_cart(live_shop, page, "demo")

    # Cart: the demo code, then a tax estimate for Orange County, CA (7.75 % override).
    page.goto(live_shop.url("demo", "/cart/"))
    page.get_by_label("Discount code").fill("welcome10")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert page.get_by_text("Code WELCOME10 applied").is_visible()
    page.get_by_label("Estimate tax for").select_option("CA")
    page.locator("#estimate-zip").fill("92693")
    page.get_by_role("button", name="Estimate").click()
    page.wait_for_load_state()
    screenshot(page, "money-cart")
    cart = {
        "discount": _money(page.locator(".cart-totals .totals-discount").inner_text()),
        "tax": _money(page.locator(".cart-totals .totals-tax").inner_text()),
        "shipping": _money(page.locator(".cart-totals .totals-shipping").inner_text()),
        "total": _money(page.locator(".cart-totals .totals-total").inner_text()),
    }
    assert cart["discount"] > 0 and cart["tax"] > 0

    # Checkout: express, the same address; "Update totals" shows the exact figures.
    page.get_by_role("link", name=re.compile("checkout", re.I)).first.click()
    page.wait_for_url(re.compile(r"/checkout/$"))
    page.get_by_label("Email").fill("money.journey@example.com")
    for label, value in {
        "Full name": "Casey Taxpayer",
        "Street address": "1 Camino Capistrano",
        "City": "San Juan Capistrano",
        "ZIP code": "92693",
    }.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("State", exact=True).select_option("CA")  # a list, like every state field
    page.get_by_role("radio", name=re.compile(r"Express")).check()
    page.get_by_role("button", name="Update totals").click()
    page.wait_for_load_state()
    screenshot(page, "money-checkout")
    summary = page.locator(".order-summary")
    checkout = {
        "discount": _money(summary.locator(".totals-discount").inner_text()),
        "shipping": _money(summary.locator(".totals-shipping").inner_text()),
        "tax": _money(summary.locator(".totals-tax").inner_text()),
        "total": _money(summary.locator(".totals-total").inner_text()),
    }
    assert checkout["discount"] == cart["discount"]
    assert checkout["tax"] == cart["tax"]  # the estimate was for this address
    assert checkout["shipping"] == Decimal("19.95")
    assert checkout["total"] == cart["total"] - cart["shipping"] + checkout["shipping"]

    page.get_by_role("radio", name=re.compile(r"Express")).check()
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/offline-gateway/pay/"))
    screenshot(page, "money-hosted-page")
    hosted_total = _money(page.locator("tfoot strong").inner_text())
    assert hosted_total == checkout["total"]
    assert _money(page.locator("tr.offline-tax td").inner_text()) == checkout["tax"]
    assert _money(page.locator("tr.offline-discount td").inner_text()) == -checkout["discount"]
    assert page.locator("tr.offline-shipping th").inner_text() == "Shipping (Express)"

    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(r"//demo\.localhost:\d+/checkout/success/"))
    screenshot(page, "money-confirmation")
    assert page.get_by_role("heading", name="Thank you!").is_visible()
    number = page.locator("main strong").first.inner_text().strip()
    confirmation = page.locator(".order-summary")
    assert _money(confirmation.locator(".totals-tax").inner_text()) == checkout["tax"]
    assert _money(confirmation.locator(".totals-discount").inner_text()) == checkout["discount"]
    assert _money(confirmation.locator(".totals-total").inner_text()) == checkout["total"]

    mail = live_shop.mailbox.wait_for(
        lambda m: "money.journey@example.com" in m.to and number in m.subject
    )
    text = mail.text
    assert f"Discount (WELCOME10)  -${checkout['discount']}" in text
    assert f"Shipping (Express)  ${checkout['shipping']}" in text
    assert f"Sales tax  ${checkout['tax']}" in text
    assert f"Total  ${checkout['total']} USD" in text
