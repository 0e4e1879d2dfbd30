"""Staff in the Django admin: ship an order, publish a policy version, record a breach."""

from __future__ import annotations

from datetime import date, datetime

from playwright.sync_api import expect

from .conftest import screenshot
from .flows import (
    admin_require,
    admin_sign_in,
    confirm_email_from_mail,
    place_order,
    require_checkout,
    shopper_sign_in,
)
from .helpers import require_feature


def test_admin_marks_an_order_shipped_and_the_shopper_gets_the_shipping_email(
    live_shop, new_context
):
    require_checkout(live_shop, "demo")
    shopper_page = new_context().new_page()
    order = place_order(live_shop, shopper_page, "demo", email="ship.me@example.com")

    page = new_context().new_page()
    admin_sign_in(live_shop, page)
    page.goto(live_shop.url("www", f"/admin/orders/order/?q={order.number}"))
    screenshot(page, "admin-orders")
    row = page.locator("#result_list tbody tr").filter(has_text=order.number)
    assert row.count() == 1
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("mark_shipped")
    page.locator("button[name=index], input[name=index]").first.click()
    page.get_by_label("Carrier").fill("UPS")
    page.get_by_label("Tracking number").fill("1Z999AA10123456784")
    page.get_by_role("button", name="Mark shipped").or_(
        page.locator("input[type=submit][value='Mark shipped']")
    ).first.click()
    expect(page.get_by_text(f"Order {order.number} marked shipped.")).to_be_visible()

    mail = live_shop.mailbox.wait_for(
        lambda m: "ship.me@example.com" in m.to and "shipped" in m.subject
    )
    assert mail.subject == f"Your order {order.number} has shipped"
    assert "UPS" in mail.text
    assert "1Z999AA10123456784" in mail.text


def test_admin_publishes_a_policy_version_and_storefront_pages_show_the_notice(
    live_shop, new_context
):
    shopper = new_context().new_page()
    shopper.goto(live_shop.url("demo", "/"))
    expect(shopper.locator(".policy-notice")).to_have_count(0)  # only the first version exists

    page = new_context().new_page()
    admin_sign_in(live_shop, page)
    admin_require(live_shop, page, "/admin/privacy/policyversion/add/", "policy versions")
    today = date.today()
    page.get_by_label("Version").fill("2.0-e2e")
    page.locator("input[name=effective_date]").fill(today.isoformat())
    page.get_by_label("Summary of changes").fill("We now explain the e2e journey.")
    page.get_by_label("Text").fill("Our policy, version 2.\n\nWe keep your data safe.")
    page.locator("input[name=_save]").click()
    expect(page.locator("#result_list")).to_contain_text("2.0-e2e")
    page.locator("#result_list tbody tr").filter(has_text="2.0-e2e").locator(
        "input.action-select"
    ).check()
    page.locator("select[name=action]").select_option("publish")
    page.locator("button[name=index], input[name=index]").first.click()
    expect(page.get_by_text("Published version 2.0-e2e.")).to_be_visible()
    screenshot(page, "admin-policy-published")

    for host in ("demo", "kristannaloken", "www"):
        shopper.goto(live_shop.url(host, "/"))
        notice = shopper.locator(".policy-notice")
        expect(notice).to_contain_text("We updated our Privacy Policy")
    screenshot(shopper, "company-home-policy-notice")
    notice.get_by_role("link", name="See what changed").click()
    expect(shopper.locator("#changes")).to_contain_text("Version 2.0-e2e")
    expect(shopper.locator("#changes")).to_contain_text("We now explain the e2e journey.")


def test_admin_records_a_breach_and_the_affected_shopper_sees_the_banner(live_shop, new_context):
    require_feature(live_shop, "demo", "/account/signup/", "shopper accounts")
    email = "breached.shopper@example.com"
    shopper = new_context().new_page()
    shopper.goto(live_shop.url("demo", "/account/signup/"))
    shopper.get_by_label("Email").fill(email)
    shopper.get_by_label("Full name").fill("Bree Shopper")
    shopper.get_by_label("What year were you born?").fill("1980")
    shopper.get_by_label("Password").fill("a-Long-shopper-pass-42")
    shopper.get_by_role("button", name="Create account").click()
    shopper.get_by_role("heading", name="Check your email").wait_for()
    # Breach notices reach an account by its address only once it is confirmed.
    confirm_email_from_mail(live_shop, shopper, email)
    shopper_sign_in(live_shop, shopper, email, "a-Long-shopper-pass-42")
    expect(shopper.locator(".breach-notice")).to_have_count(0)

    page = new_context().new_page()
    admin_sign_in(live_shop, page)
    admin_require(live_shop, page, "/admin/privacy/breachincident/add/", "breach incidents")
    now = datetime.now()
    page.get_by_label("Title").fill("E2E laptop theft")
    page.locator("input[name=discovered_at_0]").fill(now.date().isoformat())
    page.locator("input[name=discovered_at_1]").fill("09:00:00")
    page.get_by_label("Description").fill("A laptop holding a shipping export was stolen.")
    page.get_by_label("Data involved").fill("Names and shipping addresses.")
    page.locator("select[name=scope]").select_option("all_shoppers")
    page.locator("input[name=_save]").click()
    expect(page.locator("#result_list")).to_contain_text("E2E laptop theft")
    screenshot(page, "admin-breach-incidents")
    page.locator("#result_list tbody tr").filter(has_text="E2E laptop theft").locator(
        "input.action-select"
    ).check()
    page.locator("select[name=action]").select_option("notify")
    page.locator("button[name=index], input[name=index]").first.click()
    expect(page.get_by_text("notices created")).to_be_visible()

    # The notice by email...
    mail = live_shop.mailbox.wait_for(lambda m: email in m.to and "E2E laptop theft" in m.subject)
    assert mail.subject == "Important notice about your information: E2E laptop theft"
    assert "A laptop holding a shipping export was stolen." in mail.text
    assert "Names and shipping addresses." in mail.text
    # ... and in the site, on every page, until acknowledged.
    for path in ("/", "/privacy/", "/cart/"):
        shopper.goto(live_shop.url("demo", path))
        banner = shopper.locator(".breach-notice")
        expect(banner).to_contain_text("E2E laptop theft")
    screenshot(shopper, "storefront-breach-banner")
    banner.get_by_role("button", name="I have read this notice").click()
    shopper.wait_for_load_state()
    shopper.goto(live_shop.url("demo", "/"))
    expect(shopper.locator(".breach-notice")).to_have_count(0)
