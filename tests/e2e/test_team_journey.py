"""Teams end to end (issue 25), as docs/team.md's "Try it" walks it: "Join my team" on the
demo storefront, registration under the demo retailer, the starter kit, a shopper buys on
the new storefront, the month close, and the sponsor's statement and "My team"."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from .conftest import screenshot
from .flows import ADMIN_PASSWORD, checkout, place_order, require_checkout
from .helpers import require_feature
from .test_earnings_journey import _demo_login

SLUG = "tina-team-e2e"
PASSWORD = "Tina-e2e-Long-Pass-77"


def test_join_my_team_to_override_on_the_sponsors_statement(live_shop, new_context):
    require_checkout(live_shop, "demo")
    require_feature(live_shop, "www", "/backoffice/signin/", "the back office")
    demo_number = _demo_login(live_shop)
    page = new_context().new_page()

    # "Join my team" on the demo storefront opens registration with the sponsor shown.
    page.goto(live_shop.url("demo", "/"))
    page.get_by_role("link", name="Join my team").first.click()
    page.wait_for_url(re.compile(r"/register/\?sponsor="))
    expect(page.locator("#sponsor-shown")).to_contain_text(demo_number)
    screenshot(page, "team-register-sponsor")
    page.get_by_label("Legal name").fill("Tina Teammate")
    page.get_by_label("Date of birth").fill("1988-02-03")
    page.get_by_label("Email").fill("tina.e2e@example.com")
    page.get_by_label("Phone").fill("503-555-0143")
    page.get_by_label("Street address").fill("401 SW Oak Street")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("State").select_option("OR")
    page.get_by_label("ZIP code").fill("97205")
    page.get_by_label("Social Security number").check()
    page.get_by_label("SSN or EIN").fill("123-45-6789")
    page.get_by_label("Storefront name").fill("Tina's Table")
    page.get_by_label("Storefront web address").fill(SLUG)
    page.get_by_label("Username").fill("tina-e2e")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label("I accept the retailer terms").check()
    page.get_by_label("I have read the Privacy Policy").check()
    page.get_by_role("button", name="Register and open my storefront").click()
    page.wait_for_url(re.compile(r"/register/welcome/"))

    # Registration ends in the starter kit's checkout on the company site (the gateway's
    # hosted page: the offline gateway here).
    expect(page.locator("#starter-kit")).to_contain_text("Last step: your starter kit")
    screenshot(page, "team-welcome-starter-kit")
    page.get_by_role("button", name="Pay for my starter kit").click()
    page.wait_for_url(re.compile(r"/checkout/$"))
    expect(page.locator("main")).to_contain_text("Retailer starter kit")
    checkout(live_shop, page, "www", email="tina.e2e@example.com")

    # A shopper buys on the new storefront.
    order = place_order(live_shop, new_context().new_page(), SLUG, email="tina.buyer@example.com")

    # The month close (the demo closes the running month early).
    month = date.today().strftime("%Y-%m")
    live_shop.manage("earnings_close", month, "--early")

    sponsor = new_context().new_page()
    sponsor.goto(live_shop.url("www", "/backoffice/signin/"))
    sponsor.get_by_label("Retailer ID").fill(demo_number)
    sponsor.get_by_label("Username").fill("demo")
    sponsor.get_by_label("Password").fill(ADMIN_PASSWORD)
    sponsor.locator("form button[type=submit]").first.click()
    sponsor.wait_for_url(re.compile(r"/backoffice/$"))
    sponsor.get_by_role("link", name="My team").first.click()
    expect(sponsor.locator("#team-list")).to_contain_text("Tina's Table")
    # The new member's volume: the shopper's order (the starter kit counts for no one).
    tina = sponsor.locator("#team-list li").filter(has_text="Tina's Table")
    expect(tina).to_contain_text(re.compile(r"\$[1-9][\d,]*\.\d\d this month"))
    expect(sponsor.locator("#team-gv")).to_contain_text(re.compile(r"\$[1-9]"))
    expect(sponsor.locator("#team-list")).not_to_contain_text("tina.buyer@example.com")
    sponsor.set_viewport_size({"width": 1280, "height": 900})
    screenshot(sponsor, "team-my-team-1280")
    sponsor.set_viewport_size({"width": 390, "height": 844})
    width = sponsor.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    screenshot(sponsor, "team-my-team-390")
    sponsor.set_viewport_size({"width": 1280, "height": 900})
    sponsor.goto(live_shop.url("www", f"/backoffice/earnings/statements/{month[:4]}-{month[5:]}/"))
    # The sponsor's statement names the override on the member's month, never an order
    # of the team (the line has none: "Team").
    row = sponsor.locator("table tbody tr").filter(has_text="Generation 1 override")
    expect(row).to_contain_text("Generation 1 override on Tina's Table's team sales, 5 %")
    expect(row).to_contain_text("Team")
    expect(row).not_to_contain_text(order.number)
    expect(sponsor.locator("#statement-overrides")).to_contain_text("Generation 1")
    screenshot(sponsor, "team-statement")
