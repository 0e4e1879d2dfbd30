"""Paying a retailer by ACH, as docs/payouts.md's "Try it" walks it (issue 26's Done means):
the retailer enters bank details in the back office, a sale's commission becomes payable
(the month closes), Finance prepares the payout run in the admin, downloads the ACH file
(it parses and balances), marks it sent, and the retailer's statement shows the payout and
a closing balance equal to what is owed. The site runs with PAYOUT_RAIL=ach (a second
server on the same database)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from .conftest import screenshot
from .flows import admin_require, admin_sign_in, place_order, require_checkout
from .servers import start_gunicorn
from .test_scene_journey import demo_back_office_sign_in

ACCOUNT = "000987654321"
ROUTING = "021000021"
ACH_ENV = {
    "PAYOUT_RAIL": "ach",
    "PAYOUT_ACH_ORIGINATOR_ID": "1234567890",
    "PAYOUT_ACH_ODFI_ROUTING": "011000015",
    "PAYOUT_ACH_COMPANY_NAME": "SHOPSOCIAL",
    "PAYOUT_ACH_DESTINATION_NAME": "FED RESERVE BANK",
    "PAYOUT_ACH_PRENOTES": "false",
    "PAYOUT_ACCOUNT_CHANGE_WAIT_DAYS": "0",
}


def _both_widths(page, name: str) -> None:
    """Screenshots at 1280 and 390 px; on the phone nothing may be wider than the screen."""
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{name}-390")
    # Nothing in the page's main part reaches past the screen, not even inside a table
    # that scrolls (a clipped Amount column is as bad as a wide page).
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > 391)"
        ".slice(-3).map(e => e.tagName + ' ' + (e.id || e.className) + ' ' + e.textContent.slice(0, 40))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, (name, wide)
    assert wide == [], (name, wide)
    page.set_viewport_size({"width": 1280, "height": 900})


def _admin_action(page, batch: str, action: str) -> None:
    row = page.locator("#result_list tbody tr").filter(
        has=page.get_by_role("link", name=batch, exact=True)
    )
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index], input[name=index]").first.click()


def parse_ach(text: str) -> dict:
    """An independent reading of the NACHA file: records, blocking, every control total."""
    lines = text.splitlines()
    assert all(len(line) == 94 for line in lines), {len(line) for line in lines}
    assert len(lines) % 10 == 0
    real = [line for line in lines if line != "9" * 94]
    kinds = "".join(line[0] for line in real)
    assert re.fullmatch(r"156+89", kinds), kinds
    entries = [line for line in real if line[0] == "6"]
    batch_control, file_control = real[-2], real[-1]
    credits = sum(int(e[29:39]) for e in entries)
    entry_hash = sum(int(e[3:11]) for e in entries) % 10**10
    assert int(batch_control[4:10]) == len(entries)
    assert int(batch_control[10:20]) == entry_hash
    assert int(batch_control[20:32]) == 0 and int(batch_control[32:44]) == credits
    assert int(file_control[1:7]) == 1  # one batch
    assert int(file_control[7:13]) == len(lines) // 10  # block count
    assert int(file_control[13:21]) == len(entries)
    assert int(file_control[21:31]) == entry_hash
    assert int(file_control[31:43]) == 0 and int(file_control[43:55]) == credits
    return {"entries": entries, "credits": credits}


def _owed_to_demo(shop) -> Decimal:
    out = shop.shell(
        "from retailers.models import Retailer\n"
        "from retailers.earnings.selectors import owed_to_retailer\n"
        "print('OWED', owed_to_retailer(retailer=Retailer.objects.get(slug='demo')))\n"
    )
    return Decimal(re.search(r"OWED (\S+)", out).group(1))


def test_bank_details_ach_file_marked_sent_and_a_statement_that_balances(live_shop, new_context):
    require_checkout(live_shop, "demo")
    shop, server = start_gunicorn(live_shop, workers=1, threads=4, **ACH_ENV)
    try:
        _journey(shop, new_context)
    finally:
        server.stop()


def _journey(shop, new_context) -> None:
    # 1. The retailer enters bank details (the password again); they show masked.
    retailer = new_context().new_page()
    demo_back_office_sign_in(shop, retailer)
    retailer.goto(shop.url("www", "/backoffice/earnings/payout-account/"))
    retailer.get_by_label("Account holder").fill("Demo Retailer")
    retailer.get_by_label("Routing number (ABA)").fill(ROUTING)
    retailer.get_by_label("Account number").fill(ACCOUNT)
    retailer.get_by_label("Checking").check()
    retailer.get_by_label("Your password").fill("shopsocial-demo")
    retailer.get_by_role("button", name="Save payout account").click()
    expect(retailer.get_by_text("Your payout account is saved.")).to_be_visible()
    expect(retailer.locator("#pa-account")).to_have_text("Checking ••••4321")
    assert ACCOUNT not in retailer.content()
    _both_widths(retailer, "payout-bank-details")

    # 2. A sale on the demo storefront, shipped; the return window passes (month close).
    order = place_order(shop, new_context().new_page(), "demo", email="payout.me@example.com")
    staff = new_context().new_page()
    admin_sign_in(shop, staff)
    staff.goto(shop.url("www", f"/admin/orders/order/?q={order.number}"))
    row = staff.locator("#result_list tbody tr").filter(has_text=order.number)
    row.first.locator("input.action-select").check()
    staff.locator("select[name=action]").select_option("mark_shipped")
    staff.locator("button[name=index], input[name=index]").first.click()
    staff.get_by_label("Carrier").fill("USPS")
    staff.get_by_label("Tracking number").fill("9400100000000000000001")
    staff.locator(
        "input[type=submit][value='Mark shipped'], button:has-text('Mark shipped')"
    ).first.click()
    expect(staff.get_by_text(f"Order {order.number} marked shipped.")).to_be_visible()
    shop.manage("earnings_release", "--days", "31")

    # 3. Finance prepares the payout run (minimum 0: the demo's sale is paid).
    admin_require(shop, staff, "/admin/earnings/payoutbatch/prepare/", "payouts")
    staff.get_by_label("Minimum").fill("0")
    staff.locator("input[type=submit][value='Prepare payout']").click()
    prepared = staff.get_by_text(re.compile(r"Payout #\d+ prepared: \d+ to pay"))
    expect(prepared).to_be_visible()
    batch = re.search(r"Payout #(\d+)", prepared.inner_text()).group(1)
    line = shop.shell(
        "from retailers.earnings.models import PayoutLine\n"
        f"l = PayoutLine.objects.get(batch_id={batch}, retailer__slug='demo')\n"
        "print('LINE', l.amount, l.held, repr(l.hold_reason))\n"
    )
    match = re.search(r"LINE (\S+) (\S+) (.*)", line)
    assert match and match.group(2) == "False", line
    demo_amount = Decimal(match.group(1))
    assert demo_amount > 0

    # 4. The ACH file: it parses, balances, and pays the demo the line's amount.
    staff.goto(shop.url("www", "/admin/earnings/payoutbatch/"))
    with staff.expect_download() as download:
        _admin_action(staff, batch, "download_ach")
    ach = parse_ach(Path(download.value.path()).read_text(encoding="ascii"))
    demo_entries = [e for e in ach["entries"] if e[12:29].strip() == ACCOUNT]
    assert len(demo_entries) == 1
    entry = demo_entries[0]
    assert entry[1:3] == "22" and entry[3:12] == ROUTING  # credit to checking
    assert Decimal(int(entry[29:39])) / 100 == demo_amount
    paid_total = shop.shell(
        "from django.db.models import Sum\n"
        "from retailers.earnings.models import PayoutLine\n"
        f"print('TOTAL', PayoutLine.objects.filter(batch_id={batch}, held=False)"
        ".aggregate(s=Sum('amount'))['s'])\n"
    )
    assert Decimal(re.search(r"TOTAL (\S+)", paid_total).group(1)) * 100 == ach["credits"]

    # 5. Marked sent to the bank and paid.
    staff.goto(shop.url("www", "/admin/earnings/payoutbatch/"))
    _admin_action(staff, batch, "mark_paid")
    expect(staff.get_by_text(f"Payout #{batch} marked paid; statements sent.")).to_be_visible()
    screenshot(staff, "payout-admin-paid")

    # 6. The statement shows the payout; its closing balance is what is owed.
    out = shop.shell("from django.utils import timezone; print('DAY', timezone.localdate())")
    today = date.fromisoformat(re.search(r"DAY (\S+)", out).group(1))
    retailer.goto(shop.url("www", f"/backoffice/earnings/statements/{today:%Y-%m}/"))
    payout_row = retailer.locator("tr.payout-line").filter(has_text=f"#{batch}")
    expect(payout_row).to_contain_text("ACH direct deposit")
    expect(payout_row).to_contain_text(f"${demo_amount}")
    expect(payout_row).to_contain_text(f"{today:%Y-%m-%d}")
    closing = Decimal(retailer.locator("#closing").inner_text().strip().lstrip("$"))
    assert closing == _owed_to_demo(shop)
    figures = {
        k: Decimal(retailer.locator(f"#{k}").inner_text().strip().lstrip("$"))
        for k in ("opening", "earned", "reversed", "paid")
    }
    assert figures["opening"] + figures["earned"] - figures["reversed"] - figures["paid"] == closing
    assert figures["paid"] >= demo_amount
    _both_widths(retailer, "payout-statement")
