"""The look, as a shopper sees it: screenshots at 1280 and 390 px, axe, phone layout.

Screenshots of home, category, product, cart and checkout at both widths are
written to test-artifacts/e2e/look/ (git-ignored) on every run: look at them.
axe-core must find no violation at all (any impact) on those pages at both widths.
"""

from __future__ import annotations

import re

import pytest

from .conftest import ARTIFACTS

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
PRODUCT = "/p/vanilla-bean-jar-candle/"
SHOTS = ARTIFACTS / "look"


def all_axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:3])
        for v in results.response["violations"]
    ]


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_main_pages_screenshots_and_no_axe_violation(live_shop, new_context, width):
    w, h = WIDTHS[width]
    page = new_context(viewport={"width": w, "height": h}).new_page()
    problems: dict[str, list[str]] = {}
    for name, path in (
        ("home", "/"),
        ("category", "/c/candles/"),
        ("search-typo", "/search/?q=candel"),
        ("product", PRODUCT),
    ):
        page.goto(live_shop.url("demo", path))
        shoot(page, f"{name}-{w}")
        problems[name] = all_axe_violations(page)
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/cart/$"))
    shoot(page, f"cart-{w}")
    problems["cart"] = all_axe_violations(page)
    page.goto(live_shop.url("demo", "/checkout/"))
    shoot(page, f"checkout-{w}")
    problems["checkout"] = all_axe_violations(page)
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_load_state()
    shoot(page, f"checkout-errors-{w}")
    problems["checkout-errors"] = all_axe_violations(page)
    for name, host, path in (
        ("company-home", "www", "/"),
        ("finder", "www", "/find-a-retailer/?q=92675"),
        ("shipping", "demo", "/help/shipping/"),
    ):
        page.goto(live_shop.url(host, path))
        shoot(page, f"{name}-{w}")
        problems[name] = all_axe_violations(page)
    assert problems == {k: [] for k in problems}


def test_phone_product_page_shows_price_and_add_to_cart_in_the_first_screen(live_shop, new_context):
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(live_shop.url("demo", PRODUCT))
    for locator in (
        page.locator(".product-info .price"),
        page.get_by_role("button", name="Add to cart"),
    ):
        box = locator.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844, box
    # The header stays compact: brand, menu, cart and search in under 130 px.
    assert page.locator(".site-header").bounding_box()["height"] < 130


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_menu_opens_with_and_without_javascript(live_shop, new_context, javascript):
    page = new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=javascript
    ).new_page()
    page.goto(live_shop.url("demo", "/"))
    menu_link = page.locator(".nav-mobile a[href='/c/kitchen/']")
    assert not menu_link.is_visible()
    assert not page.locator(".nav-desktop").is_visible()
    page.get_by_text("Menu", exact=True).click()
    assert menu_link.is_visible()
    menu_link.click()
    page.wait_for_url(re.compile(r"/c/kitchen/$"))
    # Wide screens show the plain nav and no menu button.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator(".nav-desktop a[href='/c/candles/']").is_visible()
    assert not page.get_by_text("Menu", exact=True).is_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_billing_fields_hide_while_same_as_shipping_is_ticked(live_shop, new_context, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto(live_shop.url("demo", PRODUCT))
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/cart/$"))
    page.goto(live_shop.url("demo", "/checkout/"))
    same = page.get_by_label("Billing address is the same as shipping")
    billing = page.get_by_label("Billing street address")
    assert same.is_checked()
    # The checkbox sits beside its label, on the same line.
    box, label = (
        same.bounding_box(),
        page.locator("label[for='id_billing_same_as_shipping']").bounding_box(),
    )
    assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < 12
    assert label["x"] > box["x"]
    if javascript:
        assert not billing.is_visible()
        same.uncheck()
        assert billing.is_visible()
        same.check()
        assert not billing.is_visible()
    else:
        assert billing.is_visible()  # without JavaScript both stay visible
    # Street address inputs are wide enough for a real address.
    assert page.get_by_label("Street address", exact=True).bounding_box()["width"] >= 300


def test_favicon_and_branded_no_such_shop_page(live_shop, page):
    # (The branded 404/500 pages are tested with DEBUG off in tests/storefront/test_look.py;
    # this server runs the dev settings, whose 404 is Django's debug page.)
    for host in ("demo", "www"):
        page.goto(live_shop.url(host, "/"))
        icon = page.locator("link[rel=icon]").first.get_attribute("href")
        assert live_shop.fetch(host, icon).status == 200
        assert live_shop.fetch(host, "/favicon.ico").status == 301
    response = page.goto(live_shop.url("nosuchshop", "/"))
    assert response.status == 404
    assert page.get_by_role("heading", name="No such shop").is_visible()


def test_phone_checkout_with_errors_shows_the_message_in_the_first_screen(live_shop, new_context):
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(live_shop.url("demo", PRODUCT))
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/cart/$"))
    page.goto(live_shop.url("demo", "/checkout/"))
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert").filter(has_text="Please correct the fields")
    box = alert.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, box
    # The order summary is still on the page, below the form.
    summary = page.locator(".checkout-summary").bounding_box()
    assert summary["y"] > page.locator(".checkout-form").bounding_box()["y"]
