"""Gift cards (issue 28 item 3), in a browser: a buyer sends a $50 card to a friend; the
friend's email holds the code; another shopper spends it, first on an order the card pays
in full (no payment page at all), then on one it pays in part with a card payment for
the rest. The balance left is shown at each step. Screenshots at 390 and 1280 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import screenshot
from .flows import SHOPPER, SHOPPER_STATE, add_a_product_to_cart, require_checkout

CARD_PATH = "/p/shop-social-gift-card/"
CODE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b")
MONEY = re.compile(r"\$(\d+\.\d\d)")


def _address(page, email: str) -> None:
    page.get_by_label("Email", exact=True).fill(email)
    for label, value in SHOPPER.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("State", exact=True).select_option(SHOPPER_STATE)


def _to_checkout(live_shop, page) -> None:
    page.goto(live_shop.url("demo", "/checkout/"))
    page.wait_for_url(re.compile(r"/checkout/$"))


def _money(page, selector: str) -> str:
    return MONEY.search(page.locator(selector).first.inner_text()).group(1)


def test_a_gift_card_sent_received_and_spent_in_full_and_in_part(live_shop, new_context):
    require_checkout(live_shop, "demo")
    buyer = new_context(viewport={"width": 390, "height": 844}).new_page()

    # 1. The buyer picks the $50 card and says who it is for.
    buyer.goto(live_shop.url("demo", CARD_PATH))
    buyer.get_by_role("group", name="Amount").get_by_label("$50", exact=True).check()
    buyer.get_by_role("button", name="Add to cart").click()
    buyer.wait_for_load_state()
    _to_checkout(live_shop, buyer)
    expect(buyer.get_by_role("group", name="Who is the gift card for?")).to_be_visible()
    _address(buyer, "gift.buyer@example.com")
    buyer.get_by_role("button", name="Continue to payment").click()
    # Without a recipient nothing is placed; the form says what is missing, all kept.
    expect(buyer.get_by_text("Enter the name of the person the gift card is for.")).to_be_visible()
    expect(buyer.get_by_label("Email", exact=True)).to_have_value("gift.buyer@example.com")
    screenshot(buyer, "giftcard-recipient-390")
    buyer.get_by_label("Recipient's name").fill("Robin Friend")
    buyer.get_by_label("Recipient's email").fill("robin.friend@example.com")
    buyer.get_by_label("Message for the recipient (optional)").fill("Happy birthday, Robin!")
    width = buyer.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the checkout is {width}px wide on a phone"
    buyer.get_by_role("button", name="Continue to payment").click()
    buyer.wait_for_url(re.compile(r"/offline-gateway/pay/"))
    buyer.get_by_role("button", name="Pay", exact=True).click()
    buyer.wait_for_url(re.compile(r"//demo\.localhost:\d+/checkout/success/"))

    # 2. The friend's email holds the code; the buyer gets a note without it.
    gift = live_shop.mailbox.wait_for(
        lambda m: "robin.friend@example.com" in m.to and "gift card" in m.subject
    )
    assert "Happy birthday, Robin!" in gift.text
    code = CODE.search(gift.text).group(1)
    note = live_shop.mailbox.wait_for(
        lambda m: "gift.buyer@example.com" in m.to and "was sent" in m.subject
    )
    assert code not in note.text and f"ending in {code[-4:]}" in note.text

    # 3. Another shopper spends it on an order the card pays in full: no payment page.
    friend = new_context().new_page()
    add_a_product_to_cart(live_shop, friend, "demo", query="lavender")
    _to_checkout(live_shop, friend)
    _address(friend, "robin.friend@example.com")
    friend.get_by_label("Gift card code").fill("ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    friend.get_by_role("button", name="Apply").click()
    expect(friend.locator("#giftcard-error")).to_contain_text("not valid")
    expect(friend.get_by_label("Email", exact=True)).to_have_value("robin.friend@example.com")
    friend.get_by_label("Gift card code").fill(code.lower().replace("-", " "))
    friend.get_by_role("button", name="Apply").click()
    expect(friend.locator(".totals-giftcard")).to_be_visible()
    total = _money(friend, ".totals-total")
    assert float(total) < 50, f"the first order ({total}) should fit on the card"
    expect(friend.locator(".totals-due")).to_contain_text("$0.00")
    expect(friend.locator("#giftcard-balance")).to_contain_text("$50.00 available")
    screenshot(friend, "giftcard-checkout-covered-1280")
    friend.get_by_role("button", name="Place order").click()
    friend.wait_for_url(re.compile(r"//demo\.localhost:\d+/checkout/success/\?session_id=gc_"))
    left = f"{50 - float(total):.2f}"
    expect(friend.locator("#giftcard-balances")).to_contain_text(
        f"Gift card ending {code[-4:]}: ${total} used, ${left} left"
    )
    screenshot(friend, "giftcard-paid-in-full-1280")

    # 4. A second order, larger than what is left: the card pays part, a card the rest.
    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    add_a_product_to_cart(live_shop, phone, "demo", query="vanilla")
    _to_checkout(live_shop, phone)
    _address(phone, "robin.friend@example.com")
    phone.get_by_label("Gift card code").fill(code)
    phone.get_by_role("button", name="Apply").click()
    expect(phone.locator(".totals-giftcard")).to_contain_text(f"${left}")
    due = _money(phone, ".totals-due")
    assert float(due) > 0
    screenshot(phone, "giftcard-checkout-part-390")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the checkout is {width}px wide on a phone"
    phone.get_by_role("button", name="Continue to payment").click()
    phone.wait_for_url(re.compile(r"/offline-gateway/pay/"))
    expect(phone.locator("main")).to_contain_text(f"{due} USD")
    expect(phone.locator("main")).to_contain_text("Paid by gift card / store credit")
    phone.get_by_role("button", name="Pay", exact=True).click()
    phone.wait_for_url(re.compile(r"//demo\.localhost:\d+/checkout/success/"))
    expect(phone.locator("#giftcard-balances")).to_contain_text(
        f"Gift card ending {code[-4:]}: ${left} used, $0.00 left"
    )
    expect(phone.locator(".totals-due")).to_contain_text(f"${due}")
    screenshot(phone, "giftcard-paid-in-part-390")
