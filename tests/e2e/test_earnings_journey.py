"""Retailer earnings end to end (issue 16), as the README's "Try it" walks it: a shopper buys
on the demo storefront, staff ship it, the return window passes (the demo command), the
retailer sees the commission in the back office, Finance pays it, and the year-end report
opens."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from .conftest import screenshot
from .flows import ADMIN_PASSWORD, admin_require, admin_sign_in, place_order, require_checkout
from .helpers import require_feature


def _demo_login(live_shop) -> str:
    out = live_shop.shell(
        "import json; from retailers.models import Retailer; "
        "print(json.dumps(Retailer.objects.get(slug='demo').retailer_number))"
    )
    return json.loads(out.strip().splitlines()[-1])


def _admin_action(page, number_or_text: str, action: str) -> None:
    row = page.locator("#result_list tbody tr").filter(has_text=number_or_text)
    row.first.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index], input[name=index]").first.click()


def test_a_sale_becomes_a_commission_the_retailer_sees_and_finance_pays(live_shop, new_context):
    require_checkout(live_shop, "demo")
    require_feature(live_shop, "www", "/backoffice/signin/", "the back office")
    order = place_order(live_shop, new_context().new_page(), "demo", email="earn.me@example.com")

    staff = new_context().new_page()
    admin_sign_in(live_shop, staff)
    staff.goto(live_shop.url("www", f"/admin/orders/order/?q={order.number}"))
    _admin_action(staff, order.number, "mark_shipped")
    staff.get_by_label("Carrier").fill("USPS")
    staff.get_by_label("Tracking number").fill("9400100000000000000000")
    staff.locator("form button[type=submit], form input[type=submit]").filter(
        has_text=re.compile("Mark shipped")
    ).or_(staff.locator("input[type=submit][value='Mark shipped']")).first.click()
    expect(staff.get_by_text(f"Order {order.number} marked shipped.")).to_be_visible()

    # The demo's way to let the 30-day return window pass.
    live_shop.manage("earnings_release", "--days", "31")

    retailer = new_context().new_page()
    retailer.goto(live_shop.url("www", "/backoffice/signin/"))
    demo_number = _demo_login(live_shop)
    retailer.get_by_label("Retailer ID").fill(demo_number)
    retailer.get_by_label("Username").fill("demo")
    retailer.get_by_label("Password").fill(ADMIN_PASSWORD)
    retailer.locator("form button[type=submit]").first.click()
    retailer.wait_for_url(re.compile(r"/backoffice/$"))
    retailer.goto(live_shop.url("www", "/backoffice/earnings/"))
    row = retailer.locator("table tbody tr").filter(has_text=order.number)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Payable")
    payable = retailer.locator("#earn-payable").inner_text()
    assert re.fullmatch(r"\$\d+\.\d\d", payable) and payable != "$0.00"
    screenshot(retailer, "earnings-backoffice")

    # Finance prepares a payout (no minimum, so the demo's one sale is paid) and pays it.
    admin_require(live_shop, staff, "/admin/earnings/payoutbatch/prepare/", "payouts")
    staff.get_by_label("Minimum").fill("0")
    staff.locator("input[type=submit][value='Prepare payout']").click()
    expect(staff.get_by_text(re.compile(r"Payout #\d+ prepared: \d+ to pay"))).to_be_visible()
    staff.goto(live_shop.url("www", "/admin/earnings/payoutbatch/"))
    with staff.expect_download() as download:
        _admin_action(staff, "", "download_csv")
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    assert demo_number in csv_text
    staff.goto(live_shop.url("www", "/admin/earnings/payoutbatch/"))
    _admin_action(staff, "", "mark_paid")
    expect(
        staff.get_by_text(re.compile(r"Payout #\d+ marked paid; statements sent."))
    ).to_be_visible()
    screenshot(staff, "earnings-payout-paid")

    retailer.reload()
    expect(retailer.locator("table tbody tr").filter(has_text=order.number)).to_contain_text("Paid")
    expect(retailer.locator("#earn-payable")).to_have_text("$0.00")

    # The year-end report opens for this year; tax IDs stay masked without a reveal.
    staff.goto(live_shop.url("www", "/admin/earnings/payoutbatch/year-end/?year=2026"))
    expect(
        staff.get_by_role("heading", name=re.compile("1099-NEC recipients, 2026"))
    ).to_be_visible()
    screenshot(staff, "earnings-year-end")
