"""A shopper buys on a storefront: home -> search -> product -> cart -> checkout -> hosted
payment page -> confirmation page -> confirmation email."""

from __future__ import annotations

import re

from .flows import place_order, require_checkout


def test_shopper_buys_on_a_storefront_and_receives_the_confirmation_email(live_shop, new_context):
    require_checkout(live_shop, "demo")
    context = new_context()
    page = context.new_page()

    order = place_order(live_shop, page, "demo", email="pat.journey@example.com", shots=True)

    assert page.get_by_role("heading", name="Thank you!").is_visible()
    assert re.fullmatch(r"[A-Z0-9-]{4,20}", order.number), order.number
    mail = live_shop.mailbox.wait_for(
        lambda m: "pat.journey@example.com" in m.to and order.number in m.subject
    )
    assert mail.subject == f"Your order {order.number} is confirmed"
    assert order.number in mail.text
    assert "Privacy" in mail.text
    foreign = [url for url in context.request_log if not live_shop.is_our_origin(url)]
    assert foreign == []
