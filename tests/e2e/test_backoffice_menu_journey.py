"""The back-office menu on a phone (issue 28): one "Back office menu" line instead of six
wrapped rows; opened with the keyboard, axe-clean open and closed, no wider than the
phone; on a wide screen the row of links, and no disclosure."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import screenshot
from .test_look import all_axe_violations
from .test_scene_journey import demo_back_office_sign_in


def test_the_phone_menu_opens_from_the_keyboard_and_leads_to_a_page(live_shop, new_context):
    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    demo_back_office_sign_in(live_shop, phone)
    # A form page (the orders page's wide table is checked by the phone-width survey).
    phone.goto(live_shop.url("www", "/backoffice/contact/"))
    menu = phone.locator("details.bo-menu")
    summary = menu.locator("summary")
    expect(summary).to_be_visible()
    expect(phone.locator(".bo-nav-wide")).to_be_hidden()
    assert summary.bounding_box()["height"] >= 44
    assert all_axe_violations(phone) == []
    summary.focus()
    phone.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    earnings = menu.get_by_role("link", name="Earnings")
    expect(earnings).to_be_visible()
    current = menu.get_by_role("link", name="Contact Information")
    expect(current).to_have_attribute("aria-current", "page")
    assert all_axe_violations(phone) == []
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the open menu makes the page {width}px wide"
    screenshot(phone, "backoffice-menu-open-390")
    phone.keyboard.press("Tab")  # the first entry, then on to Earnings
    expect(menu.get_by_role("link", name="Dashboard")).to_be_focused()
    earnings.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"/backoffice/earnings/$"))
    expect(phone.locator("details.bo-menu")).not_to_have_attribute("open", "")

    wide = new_context().new_page()
    demo_back_office_sign_in(live_shop, wide)
    wide.goto(live_shop.url("www", "/backoffice/orders/"))
    expect(wide.locator("details.bo-menu")).to_be_hidden()
    expect(wide.locator(".bo-nav-wide").get_by_role("link", name="Earnings")).to_be_visible()
