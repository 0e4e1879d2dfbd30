"""Reviews (issue 28): a shopper with a paid order reviews what they bought, Catalog
staff approve it in the admin, and the product page shows it with the average."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from .conftest import screenshot
from .flows import checkout, require_checkout
from .helpers import require_feature, serious_axe_violations

EMAIL = "review.journey@example.com"
STAFF = ("catalog.e2e", "Catalog-e2e-pass-1")


def _catalog_staff(live_shop) -> None:
    live_shop.shell(
        "from django.contrib.auth import get_user_model; "
        "from django.contrib.auth.models import Group; "
        f"u, _ = get_user_model().objects.get_or_create(username={STAFF[0]!r}, "
        "defaults={'is_staff': True, 'email': 'catalog.e2e@example.com'}); "
        f"u.set_password({STAFF[1]!r}); u.save(); "
        "u.groups.add(Group.objects.get(name='Catalog'))"
    )


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_shopper_reviews_staff_approve_and_the_product_page_shows_it(live_shop, new_context):
    require_checkout(live_shop, "demo")
    require_feature(
        live_shop, "demo", "/p/cedar-and-sage-pillar-candle/reviews/", "product reviews"
    )
    shopper = new_context().new_page()

    # A paid order: the product page, the cart, checkout, the offline payment page.
    shopper.goto(live_shop.url("demo", "/p/cedar-and-sage-pillar-candle/"))
    product_url = shopper.url
    expect(shopper.get_by_role("heading", name="Reviews")).to_be_visible()
    shopper.get_by_role("button", name="Add to cart").click()
    shopper.wait_for_url(re.compile(r"/cart/$"))
    order = checkout(live_shop, shopper, "demo", email=EMAIL)

    # The confirmation email's order-status link leads to "Review …".
    mail = live_shop.mailbox.wait_for(lambda m: EMAIL in m.to and order.number in m.subject)
    status_link = next(url for url in mail.links() if "/orders/status/" in url)
    shopper.goto(status_link)
    shopper.get_by_role("link", name=re.compile(r"^Review ")).first.click()
    shopper.wait_for_url(re.compile(r"/review/\d+/$"))
    shopper.get_by_role("button", name="Send my review").click()  # empty: clear messages
    expect(shopper.get_by_text("Choose from 1 to 5 stars.")).to_be_visible()
    expect(shopper.get_by_text("Give your review a title.")).to_be_visible()
    shopper.get_by_label("4 stars").check()
    shopper.get_by_label("Title", exact=True).fill("Smells like a forest after rain")
    shopper.get_by_label("Your review", exact=True).fill(
        "Burns evenly for hours. I bought a second one."
    )
    shopper.get_by_label("Name shown with your review").fill("Pat S.")
    screenshot(shopper, "review-write-1280")
    assert serious_axe_violations(shopper) == []
    shopper.get_by_role("button", name="Send my review").click()
    expect(shopper.get_by_text("waiting for our team")).to_be_visible()

    # Not shown before moderation.
    shopper.goto(product_url)
    expect(shopper.get_by_text("Smells like a forest after rain")).to_have_count(0)

    # Catalog staff approve it in the admin.
    _catalog_staff(live_shop)
    staff = new_context().new_page()
    staff.goto(live_shop.url("www", "/admin/login/?next=/admin/reviews/review/"))
    staff.get_by_label("Username").fill(STAFF[0])
    staff.get_by_label("Password").fill(STAFF[1])
    staff.get_by_role("button", name="Log in").click()
    staff.wait_for_url(re.compile(r"/admin/reviews/review/$"))
    row = staff.locator("#result_list tbody tr").filter(has_text="Smells like a forest after rain")
    expect(row).to_have_count(1)
    row.locator("input.action-select").check()
    staff.locator("select[name=action]").select_option("approve")
    staff.locator("button[name=index], input[name=index]").first.click()
    expect(staff.get_by_text("1 review(s) approved.")).to_be_visible()
    screenshot(staff, "review-admin-approved")

    # The product page shows it, with the average and count, and in its JSON-LD.
    for width, name in ((1280, "review-product-1280"), (390, "review-product-390")):
        visitor = new_context(viewport={"width": width, "height": 900}).new_page()
        visitor.goto(product_url)
        reviews = visitor.locator("#reviews")
        expect(reviews).to_contain_text("Smells like a forest after rain")
        expect(reviews).to_contain_text("Pat S.")
        expect(reviews).to_contain_text("Verified purchase")
        expect(reviews.locator(".rating-summary")).to_contain_text(
            re.compile(r"out of 5 · \d+ review")
        )
        assert _page_width(visitor) <= width, f"{width}px: page is {_page_width(visitor)}px wide"
        assert serious_axe_violations(visitor) == []
        reviews.scroll_into_view_if_needed()
        screenshot(visitor, name)
        data = json.loads(visitor.locator("script[type='application/ld+json']").first.inner_text())
        assert data["aggregateRating"]["reviewCount"] >= 1
        assert any(r["name"] == "Smells like a forest after rain" for r in data["review"])
