"""Steps shared by several journeys, written the way a person uses the site."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from .conftest import screenshot
from .helpers import require_feature

SHOPPER = {
    "Full name": "Pat Shopper",
    "Street address": "12 Elm Street",
    "City": "Portland",
    "ZIP code": "97205",
}
SHOPPER_STATE = "OR"  # a select, like every US state field
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "shopsocial-demo"


@dataclass(frozen=True)
class PlacedOrder:
    number: str
    email: str
    host: str


def require_checkout(live_shop, host: str = "demo") -> None:
    require_feature(live_shop, host, "/search/?q=candle", "storefront search")
    require_feature(live_shop, host, "/cart/", "the cart")
    require_feature(live_shop, host, "/checkout/", "checkout")


def add_a_product_to_cart(
    live_shop, page, host: str, *, query: str = "candle", shots: bool = False
):
    page.goto(live_shop.url(host, "/"))
    if shots:
        screenshot(page, f"{host}-home")
    page.get_by_label("Search products").fill(query)
    page.get_by_label("Search products").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    if shots:
        screenshot(page, f"{host}-search")
    product_link = page.locator("main a[href^='/p/']").first
    product_name = product_link.inner_text().strip()
    product_link.click()
    page.wait_for_url(re.compile(r"/p/[^/]+/$"))
    if shots:
        screenshot(page, f"{host}-product")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_load_state()
    return product_name


def checkout(live_shop, page, host: str, *, email: str, shots: bool = False) -> PlacedOrder:
    page.goto(live_shop.url(host, "/cart/"))
    if shots:
        screenshot(page, f"{host}-cart")
    page.get_by_role("link", name=re.compile("checkout", re.I)).or_(
        page.get_by_role("button", name=re.compile("checkout", re.I))
    ).first.click()
    page.wait_for_url(re.compile(r"/checkout/$"))
    # Card details are typed only on the gateway's page: no card field in our form.
    assert page.locator("input[autocomplete^='cc-'], input[name*='card' i]").count() == 0
    page.get_by_label("Email").fill(email)
    for label, value in SHOPPER.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("State", exact=True).select_option(SHOPPER_STATE)
    if shots:
        screenshot(page, f"{host}-checkout")
    page.get_by_role("button", name="Continue to payment").click()
    # The gateway's hosted page (the offline gateway, on the company host).
    page.wait_for_url(re.compile(r"/offline-gateway/pay/"))
    if shots:
        screenshot(page, "offline-gateway")
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(rf"//{host}\.localhost:\d+/checkout/success/"))
    if shots:
        screenshot(page, f"{host}-confirmation")
    number = page.locator("main strong").first.inner_text().strip()
    return PlacedOrder(number=number, email=email, host=host)


def place_order(live_shop, page, host: str, *, email: str, shots: bool = False) -> PlacedOrder:
    add_a_product_to_cart(live_shop, page, host, shots=shots)
    return checkout(live_shop, page, host, email=email, shots=shots)


def confirm_email_from_mail(live_shop, page, email: str) -> None:
    """Open the confirmation link emailed at sign-up and press Confirm (accounts: nothing is
    matched to an account by its address until then)."""
    mail = live_shop.mailbox.wait_for(lambda m: email in m.to and "Confirm your email" in m.subject)
    link = next(url for url in mail.links() if "/account/email/verify/" in url)
    page.goto(link)
    page.get_by_role("button", name="Confirm my email address").click()
    page.get_by_role("heading", name="Email address confirmed").wait_for()


def shopper_sign_in(live_shop, page, email: str, password: str, host: str = "demo") -> None:
    """Sign in on a storefront (sign-up itself signs nobody in: issue 30)."""
    page.goto(live_shop.url(host, "/account/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"/account/orders/$"))


def admin_sign_in(live_shop, page) -> None:
    page.goto(live_shop.url("www", "/admin/login/?next=/admin/"))
    page.get_by_label("Username").fill(ADMIN_USERNAME)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def admin_require(live_shop, page, path: str, what: str) -> None:
    """Open an admin page as staff; fail when the admin has no such page (404)."""
    response = page.goto(live_shop.url("www", path))
    assert response is not None, f"{what}: no response for {path}"
    if response.status == 404:
        pytest.fail(f"{what} is broken: {path} answers 404 to staff")
