"""axe-core (offline, axe-playwright-python) on the main pages: no serious or critical violation."""

from __future__ import annotations

import re

import pytest

from .conftest import screenshot
from .flows import add_a_product_to_cart, require_checkout
from .helpers import require_feature, serious_axe_violations

PAGES = [
    ("demo", "/", "storefront-home"),
    ("demo", "/search/?q=candle", "storefront-search"),
    ("demo", "/cart/", "storefront-cart-empty"),
    ("demo", "/privacy/", "storefront-privacy"),
    ("demo", "/contact/", "storefront-contact"),
    ("demo", "/newsletter/", "storefront-newsletter"),
    ("demo", "/account/signup/", "storefront-signup"),
    ("www", "/", "company-home"),
    ("www", "/find-a-retailer/?q=OR", "company-find-a-retailer"),
    ("www", "/register/", "register"),
    ("www", "/backoffice/signin/", "backoffice-signin"),
]


@pytest.mark.parametrize(("host", "path", "name"), PAGES, ids=[p[2] for p in PAGES])
def test_page_has_no_serious_accessibility_violation(live_shop, page, host, path, name):
    require_feature(live_shop, host, path.split("?")[0], name)
    page.goto(live_shop.url(host, path))
    screenshot(page, f"a11y-{name}")
    assert serious_axe_violations(page) == []


def test_product_and_checkout_pages_have_no_serious_accessibility_violation(live_shop, page):
    require_checkout(live_shop, "demo")
    page.goto(live_shop.url("demo", "/search/?q=candle"))
    page.locator("main a[href^='/p/']").first.click()
    page.wait_for_url(re.compile(r"/p/[^/]+/$"))
    problems = {"product": serious_axe_violations(page)}
    add_a_product_to_cart(live_shop, page, "demo")
    page.goto(live_shop.url("demo", "/cart/"))
    problems["cart"] = serious_axe_violations(page)
    page.goto(live_shop.url("demo", "/checkout/"))
    screenshot(page, "a11y-checkout")
    problems["checkout"] = serious_axe_violations(page)
    # The form re-displayed with errors must stay accessible too.
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_load_state()
    problems["checkout-errors"] = serious_axe_violations(page)
    assert problems == {k: [] for k in problems}


def test_company_site_shop_and_checkout_have_no_serious_accessibility_violation(live_shop, page):
    require_feature(live_shop, "www", "/checkout/", "the company site's checkout")
    add_a_product_to_cart(live_shop, page, "www")
    problems = {"company-product-cart": serious_axe_violations(page)}
    page.goto(live_shop.url("www", "/checkout/"))
    page.get_by_label(re.compile("Find your retailer")).fill("OR")
    page.get_by_role("button", name="Find").click()
    page.wait_for_load_state()
    screenshot(page, "a11y-company-checkout")
    problems["company-checkout-helper"] = serious_axe_violations(page)
    assert problems == {k: [] for k in problems}


def test_back_office_pages_have_no_serious_accessibility_violation(live_shop, page):
    require_feature(live_shop, "www", "/backoffice/signin/", "the back office")
    # A back-office login for a demo retailer, made in the app's shell (the retailer
    # journey covers registration itself).
    out = live_shop.shell(
        "from django.contrib.auth import get_user_model\n"
        "from retailers.models import Retailer\n"
        "r = Retailer.objects.get(slug='kristannaloken')\n"
        "if r.user is None:\n"
        "    u = get_user_model().objects.create_user('kristanna-a11y', 'k@example.com', 'A11y-Long-Pass-90')\n"
        "    Retailer.objects.filter(pk=r.pk).update(user=u)\n"
        "r.refresh_from_db()\n"
        "print('ID', r.retailer_number, r.user.username)\n"
    )
    match = re.search(r"ID (\S+) (\S+)", out)
    assert match, out
    retailer_id, username = match.groups()
    assert retailer_id != "None", "seed_demo must give every demo retailer a Retailer ID"
    page.goto(live_shop.url("www", "/backoffice/signin/"))
    page.get_by_label("Retailer ID").fill(retailer_id)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("A11y-Long-Pass-90")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/backoffice/$"))
    problems = {}
    for path in (
        "/backoffice/",
        "/backoffice/orders/",
        "/backoffice/contact/",
        "/backoffice/storefront/",
        "/backoffice/password/",
        "/backoffice/security/",
    ):
        page.goto(live_shop.url("www", path))
        problems[path] = serious_axe_violations(page)
    assert problems == {k: [] for k in problems}
