"""A party as docs/parties.md's "Try it": the retailer creates a scene and adds three
guests; Ana RSVPs yes and orders through the party's link; Ben's order is entered for him
and he pays through the emailed link; Cy says "don't contact me about parties"; the party
closes with its summary; the host picks a half-price item, once."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .conftest import screenshot
from .helpers import serious_axe_violations
from .test_scene_journey import demo_back_office_sign_in

ADDRESS = {"Street address": "12 Elm Street", "City": "Austin", "ZIP code": "78701"}


def _narrow(page, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{name}-390")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
        ".slice(-3).map(e => e.tagName + ' ' + (e.id || e.className) + ' ' + e.textContent.slice(0, 60))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, (name, wide)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_guest_list_rsvp_guest_order_half_price_and_closing(live_shop, new_context):
    live_shop.shell(
        "from storefront.scenes.models import RewardTier\n"
        "RewardTier.objects.update_or_create(min_sales=10, "
        "defaults={'credit_percent': 10, 'half_price_items': 1})\n"
    )
    mailbox = live_shop.mailbox
    retailer = new_context(viewport={"width": 1280, "height": 900}).new_page()
    demo_back_office_sign_in(live_shop, retailer)
    retailer.goto(live_shop.url("www", "/backoffice/scenes/"))
    retailer.get_by_label("Title").fill("Wick Party")
    retailer.get_by_label("Host name").fill("Hana")
    retailer.get_by_label("Host email").fill("hana.host@example.com")
    retailer.get_by_label("Scene date").fill(date.today().isoformat())
    retailer.get_by_label("Orders close on").fill((date.today() + timedelta(days=7)).isoformat())
    retailer.get_by_label("To each guest").check()
    retailer.get_by_role("button", name="Create scene").click()
    retailer.wait_for_url(re.compile(r"/backoffice/scenes/\d+/$"))
    scene_page = retailer.url

    # 1. Three guests, one invitation each.
    for name, email in (
        ("Ana Party", "ana.party@example.com"),
        ("Ben Party", "ben.party@example.com"),
        ("Cy Party", "cy.party@example.com"),
    ):
        retailer.locator("#guest-name").fill(name)
        retailer.locator("#guest-email").fill(email)
        retailer.get_by_role("button", name="Add and invite").click()
        retailer.get_by_text(f"{name.split()[0]} was added and invited.").wait_for()
    assert retailer.get_by_text("3 invited").is_visible()
    invitation = mailbox.wait_for(lambda m: "ana.party@example.com" in m.to)
    assert "Hana invites you to Wick Party" in invitation.subject
    assert "List-Unsubscribe=One-Click" in invitation.header("List-Unsubscribe-Post")

    # 2. Ana answers yes (no account) and orders through the party's link.
    ana = new_context().new_page()
    ana.goto(next(u for u in invitation.links() if "/rsvp/" in u))
    assert serious_axe_violations(ana) == []
    screenshot(ana, "party-rsvp")
    _narrow(ana, "party-rsvp")
    ana.get_by_role("button", name="Yes", exact=True).click()
    ana.get_by_text("your answer is “Yes”").wait_for()
    ana.goto(next(u for u in invitation.links() if re.search(r"/s/[A-Z0-9]{8}/$", u)))
    ana.locator("main a[href*='/p/']").first.click()
    ana.get_by_role("button", name="Add to cart").click()
    ana.wait_for_url(re.compile(r"/cart/$"))
    ana.goto(live_shop.url("demo", "/checkout/"))
    ana.get_by_label("Email").fill("ana.party@example.com")
    ana.get_by_label("Full name", exact=True).fill("Ana Party")
    for label, value in ADDRESS.items():
        ana.get_by_label(label, exact=True).fill(value)
    ana.get_by_label("State", exact=True).select_option("TX")
    ana.get_by_role("button", name="Continue to payment").click()
    ana.wait_for_url(re.compile(r"/offline-gateway/pay/"))
    ana.get_by_role("button", name="Pay", exact=True).click()
    ana.wait_for_url(re.compile(r"/checkout/success/"))

    # 3. Ben's order is entered for him; he pays through the emailed link.
    retailer.goto(scene_page)
    retailer.get_by_label("Guest's name").fill("Ben Party")
    retailer.get_by_label("Guest's email").fill("ben.party@example.com")
    retailer.get_by_label("The guest").check()
    retailer.get_by_label("Guest's street address").fill("5 Oak Ave")
    retailer.locator("#order-ship_city").fill("Austin")
    retailer.get_by_label("State (2 letters)").fill("TX")
    retailer.locator("#order-ship_postal_code").fill("78702")
    retailer.get_by_label("Item 1").select_option(index=1)
    retailer.get_by_role("button", name="Enter the order and email the payment link").click()
    retailer.get_by_text("the guest was emailed the payment link").wait_for()
    screenshot(retailer, "party-backoffice")
    _narrow(retailer, "party-backoffice")
    pay_mail = mailbox.wait_for(
        lambda m: "ben.party@example.com" in m.to and "pay here" in m.subject
    )
    ben = new_context().new_page()
    ben.goto(next(u for u in pay_mail.links() if "/offline-gateway/pay/" in u))
    ben.get_by_role("button", name="Pay", exact=True).click()
    ben.wait_for_url(re.compile(r"/checkout/success/"))

    # 4. Cy: one click, no more party mail.
    cy_mail = mailbox.wait_for(lambda m: "cy.party@example.com" in m.to)
    cy = new_context().new_page()
    cy.goto(next(u for u in cy_mail.links() if "/no-parties/" in u))
    cy.get_by_role("button", name="Don't contact me about parties").click()
    cy.get_by_text("Done. Nobody can invite you to a party").wait_for()

    # 5. Close: the summary on screen and by email.
    retailer.goto(scene_page)
    assert retailer.get_by_text("Yes: Ana").is_visible()
    retailer.get_by_role("button", name=re.compile("Close now")).click()
    retailer.locator("#party-summary").wait_for()
    summary = mailbox.wait_for(
        lambda m: "hana.host@example.com" in m.to and "is closed" in m.subject
    )
    assert "Guests who ordered: 2" in summary.text

    # 6. The host picks one half-price item, once.
    hosting = mailbox.wait_for(lambda m: "hana.host@example.com" in m.to and "hosting" in m.subject)
    host = new_context(viewport={"width": 1280, "height": 900}).new_page()
    host.goto(next(u for u in hosting.links() if "/host/" in u))
    host.locator("#party-summary").wait_for()
    screenshot(host, "party-host-summary")
    _narrow(host, "party-host-summary")
    host.get_by_role("link", name=re.compile("pick it")).click()
    host.get_by_label("Half-price item 1").select_option(index=1)
    host.get_by_label("Street address").fill("9 Host Rd")
    host.get_by_label("City").fill("Austin")
    host.get_by_label("State (2 letters)").fill("TX")
    host.get_by_label("ZIP code").fill("78703")
    screenshot(host, "party-half-price")
    host.get_by_role("button", name="Continue to payment").click()
    host.wait_for_url(re.compile(r"/offline-gateway/pay/"))
    assert "HOST-HALF-PRICE" in host.content()
    host.get_by_role("button", name="Pay", exact=True).click()
    host.wait_for_url(re.compile(r"/checkout/success/"))
    host.go_back()
    host.goto(next(u for u in hosting.links() if "/host/" in u))
    assert host.locator("#half-price-offer").count() == 0
