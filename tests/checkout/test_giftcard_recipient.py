"""Buying a gift card asks who it is for; the card goes to them, the buyer gets a note."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from orders.giftcards.models import GiftCard, GiftCardRecipient
from orders.models import Order
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.orders.conftest import CHECKOUT_FORM, cart_fill, checkout_post

pytestmark = pytest.mark.django_db

RECIPIENT = {
    "recipient_name": "Rae Recipient",
    "recipient_email": "Rae@Example.com",
    "recipient_message": "Happy birthday, Rae!",
}


def test_a_cart_without_gift_cards_does_not_ask_for_a_recipient(client, alice, candle):
    cart_fill(client, {candle: 1})
    html = client.get("/checkout/", HTTP_HOST=ALICE_HOST).content.decode()
    assert "Who is the gift card for?" not in html
    assert checkout_post(client).status_code == 303


def test_a_gift_card_in_the_cart_asks_who_it_is_for(client, alice, gift_card_product):
    cart_fill(client, {gift_card_product: 1})
    html = client.get("/checkout/", HTTP_HOST=ALICE_HOST).content.decode()
    assert "Who is the gift card for?" in html
    assert 'name="recipient_email"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the name of the person the gift card is for."),
        ({"recipient_name": "Rae"}, "Enter the email address the gift card is sent to."),
        ({"recipient_name": "Rae", "recipient_email": "rae@"}, "Enter a valid email address."),
        ({**RECIPIENT, "recipient_message": "x" * 501}, "at most 500 characters"),
    ],
    ids=["no-name", "no-email", "bad-email", "long-message"],
)
def test_a_missing_or_bad_recipient_is_explained_and_nothing_is_placed(
    client, alice, gift_card_product, data, message
):
    cart_fill(client, {gift_card_product: 1})
    response = checkout_post(client, {**CHECKOUT_FORM, **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="1 Main St"' in html
    assert Order.objects.count() == 0


def test_the_card_is_emailed_to_the_recipient_and_the_buyer_is_told(
    client, alice, gift_card_product, django_capture_on_commit_callbacks, mailoutbox
):
    cart_fill(client, {gift_card_product: 2})
    response = checkout_post(client, {**CHECKOUT_FORM, **RECIPIENT})
    assert response.status_code == 303
    order = Order.objects.get()
    recipient = GiftCardRecipient.objects.get(order=order)
    assert (recipient.name, recipient.email, recipient.message) == (
        "Rae Recipient",
        "rae@example.com",
        "Happy birthday, Rae!",
    )
    assert GiftCard.objects.count() == 0  # nothing before payment
    pay_path = response["Location"].removeprefix(f"http://{COMPANY_HOST}")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pay_path + "submit/", {"decision": "pay"}, HTTP_HOST=COMPANY_HOST)
    cards = list(GiftCard.objects.order_by("pk"))
    assert [(c.recipient_email, c.recipient_name, c.balance) for c in cards] == [
        ("rae@example.com", "Rae Recipient", Decimal("25.00"))
    ] * 2
    to_rae = [m for m in mailoutbox if m.to == ["rae@example.com"]]
    assert [m.subject for m in to_rae] == [
        "Sam Shopper sent you a $25.00 gift card for Alice's Attic"
    ] * 2
    assert {c.code for c in cards} == {
        next(c.code for c in cards if c.code in m.body) for m in to_rae
    }
    assert all("Happy birthday, Rae!" in m.body for m in to_rae)
    assert all("Sam Shopper bought you a gift card" in m.body for m in to_rae)
    to_buyer = sorted(m.subject for m in mailoutbox if m.to == ["shopper@example.com"])
    assert to_buyer == [
        "Your gift card for Rae Recipient was sent",
        f"Your order {order.number} is confirmed",
    ]
    note = next(m for m in mailoutbox if m.subject.startswith("Your gift card for"))
    assert "We emailed Rae Recipient (rae@example.com)" in note.body
    assert all(f"ending in {c.code[-4:]}" in note.body for c in cards)
    assert not any(c.code in note.body for c in cards)  # the codes went to Rae only


def test_no_checkout_field_is_named_like_a_card_field(client, alice, gift_card_product, pat):
    """Card numbers are typed on the gateway's page only: no input of ours is named *card*
    (the browser journeys check this on every checkout), gift-card fields included."""
    from orders.giftcards.services import giftcard_issue

    giftcard_issue(amount=Decimal("5.00"), actor="t", kind=GiftCard.Kind.STORE_CREDIT, owner=pat)
    client.force_login(pat)
    cart_fill(client, {gift_card_product: 1})
    html = client.get("/checkout/", HTTP_HOST=ALICE_HOST).content.decode()
    assert 'name="gift_code"' in html and 'name="use_store_credit"' in html
    assert re.findall(r'<input[^>]*name="[^"]*card[^"]*"', html, flags=re.I) == []


def test_a_gift_card_is_never_a_bestseller_pick(client, alice, gift_card_product, candle):
    """A gift card is money, not a product to recommend: even sold most and newest, the
    home page's bestsellers leave it out (the company home's first card is a product)."""
    from tests.factories import OrderFactory

    OrderFactory(
        number="T-GC-1", retailer=alice, status=Order.Status.PAID, lines=[(gift_card_product, 9)]
    )
    html = client.get("/", HTTP_HOST=ALICE_HOST).content.decode()
    assert "Product CANDLE-1" in html
    assert "Product GIFT-25" not in html
