"""Returns (issue 28): a shopper asks to return an item from the order-status link, gets
the instructions by email; staff receive the parcel and refund it; the refund email
arrives. Screenshots at 390 and 1280 px; the return page is never wider than a phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import screenshot
from .flows import admin_require, admin_sign_in, place_order, require_checkout


def _ship(live_shop, page, number: str) -> None:
    page.goto(live_shop.url("www", f"/admin/orders/order/?q={number}"))
    page.locator("#result_list tbody tr").filter(has_text=number).locator(
        "input.action-select"
    ).check()
    page.locator("select[name=action]").select_option("mark_shipped")
    page.locator("button[name=index], input[name=index]").first.click()
    page.get_by_label("Carrier").fill("UPS")
    page.get_by_label("Tracking number").fill("1Z999AA10123456784")
    page.get_by_role("button", name="Mark shipped").or_(
        page.locator("input[type=submit][value='Mark shipped']")
    ).first.click()
    expect(page.get_by_text(f"Order {number} marked shipped.")).to_be_visible()


def _admin_action(page, number: str, action: str) -> None:
    page.locator("#result_list tbody tr").filter(has_text=number).locator(
        "input.action-select"
    ).check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index], input[name=index]").first.click()


def test_return_request_staff_refund_and_the_emails(live_shop, new_context):
    require_checkout(live_shop, "demo")
    email = "return.me@example.com"
    shopper = new_context(viewport={"width": 390, "height": 844}).new_page()
    order = place_order(live_shop, shopper, "demo", email=email)

    staff = new_context().new_page()
    admin_sign_in(live_shop, staff)
    _ship(live_shop, staff, order.number)

    shipped = live_shop.mailbox.wait_for(lambda m: email in m.to and "shipped" in m.subject)
    status_link = next(url for url in shipped.links() if "/orders/status/" in url)
    shopper.goto(status_link)
    shopper.get_by_role("link", name="Return items").click()
    shopper.wait_for_url(re.compile(r"/orders/status/[^/]+/return/$"))
    screenshot(shopper, "return-request-390")
    width = shopper.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the return page is {width}px wide on a phone"
    shopper.locator("select[name^=qty-]").first.select_option("1")
    shopper.locator("select[name^=reason-]").first.select_option("damaged")
    shopper.get_by_role("button", name="Ask for a return").click()
    expect(shopper.get_by_role("status")).to_contain_text(f"{order.number}-R1")
    screenshot(shopper, "return-requested-390")

    instructions = live_shop.mailbox.wait_for(
        lambda m: email in m.to and "How to send back your return" in m.subject
    )
    assert f"{order.number}-R1" in instructions.text and "prepaid label" in instructions.text

    wide = new_context().new_page()
    wide.goto(status_link.rstrip("/") + "/return/")
    screenshot(wide, "return-request-1280")

    admin_require(live_shop, staff, "/admin/returns/returnrequest/", "returns in the admin")
    screenshot(staff, "admin-returns")
    _admin_action(staff, f"{order.number}-R1", "mark_received")
    expect(staff.get_by_text(f"Return {order.number}-R1 marked received.")).to_be_visible()
    _admin_action(staff, f"{order.number}-R1", "refund")
    expect(staff.get_by_text(f"Return {order.number}-R1 refunded.")).to_be_visible()
    screenshot(staff, "admin-returns-refunded")

    refund = live_shop.mailbox.wait_for(
        lambda m: email in m.to and m.subject == f"A refund for order {order.number}"
    )
    assert re.search(r"\$\d+\.\d\d", refund.text)
