"""The company site sells (issue 16): a shopper buys on www, names the retailer who helped
them at checkout, pays on the hosted page, and that retailer earns the commission."""

from __future__ import annotations

import json
import re

from .conftest import screenshot
from .flows import SHOPPER, SHOPPER_STATE
from .helpers import require_feature

EMAIL = "company.shop.journey@example.com"


def _demo_retailer(live_shop) -> dict:
    out = live_shop.shell(
        "import json; from retailers.models import Retailer; "
        "r = Retailer.objects.get(slug='demo'); "
        "print(json.dumps({'number': r.retailer_number, 'name': r.display_name}))"
    )
    return json.loads(out.strip().splitlines()[-1])


def test_a_shopper_buys_on_the_company_site_and_credits_their_retailer(live_shop, new_context):
    require_feature(live_shop, "www", "/cart/", "the company site's cart")
    require_feature(live_shop, "www", "/checkout/", "the company site's checkout")
    demo = _demo_retailer(live_shop)
    page = new_context().new_page()

    page.goto(live_shop.url("www", "/"))
    screenshot(page, "company-shop-home-1280")
    page.locator("main .product-card a").first.click()
    page.wait_for_url(re.compile(r"//www\.localhost:\d+/p/[^/]+/$"))
    assert page.get_by_text("Name them at checkout").is_visible()
    screenshot(page, "company-shop-product-1280")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/cart/$"))
    page.get_by_role("link", name=re.compile("checkout", re.I)).first.click()
    page.wait_for_url(re.compile(r"//www\.localhost:\d+/checkout/$"))

    page.get_by_label("Email").fill(EMAIL)
    for label, value in SHOPPER.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("State", exact=True).select_option(SHOPPER_STATE)
    helped = page.get_by_role("group", name="Who helped you?")
    assert helped.get_by_role("radio", name=re.compile("No one")).is_checked()
    helped.get_by_label(re.compile("Find your retailer")).fill(demo["number"])
    helped.get_by_role("button", name="Find").click()
    page.wait_for_load_state()
    # What was typed is kept, and the one retailer found is ticked.
    assert page.get_by_label("Email").input_value() == EMAIL
    choice = page.get_by_role("radio", name=re.compile(re.escape(demo["name"])))
    assert choice.is_checked()
    screenshot(page, "company-shop-checkout-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "company-shop-checkout-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/offline-gateway/pay/"))
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(r"//www\.localhost:\d+/checkout/success/"))
    number = page.locator("main strong").first.inner_text().strip()

    credited = json.loads(
        live_shop.shell(
            "import json; from retailers.earnings.models import CommissionEntry as E; "
            f"e = E.objects.select_related('order__helped_by', 'retailer').get(order__number='{number}'); "
            "print(json.dumps([e.order.retailer.slug, e.order.helped_by.slug, e.retailer.slug, str(e.amount)]))"
        )
        .strip()
        .splitlines()[-1]
    )
    storefront, helped_by, earner, amount = credited
    assert (storefront, helped_by, earner) == ("www", "demo", "demo")
    assert float(amount) > 0

    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(live_shop.url("www", "/"))
    screenshot(phone, "company-shop-home-390")
