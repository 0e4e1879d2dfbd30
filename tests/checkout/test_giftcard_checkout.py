"""Paying with a gift card or store credit at checkout (offline gateway, real HTTP).

The card is a payment, not a discount: the order's total and tax stay those of the goods,
the card's part is held in its ledger when the order is placed, the gateway charges the
rest, and a fully covered order never sees the payment page.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from orders.giftcards.models import GiftCard, GiftCardEntry
from orders.giftcards.services import giftcard_issue, giftcard_redeem
from orders.models import OfflineCheckoutSession, Order
from orders.services import order_refund
from orders.services.payment import order_payment_cancel
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.orders.conftest import CHECKOUT_FORM, cart_fill, checkout_post

pytestmark = pytest.mark.django_db

D = Decimal


def _pay_path(response) -> str:
    assert response.status_code == 303
    prefix = f"http://{COMPANY_HOST}"
    assert response["Location"].startswith(prefix + "/offline-gateway/pay/cs_offline_")
    return response["Location"].removeprefix(prefix)


def _entries(card: GiftCard) -> list[tuple[str, Decimal, Decimal]]:
    return list(card.entries.values_list("kind", "amount", "balance_after"))


def test_a_card_pays_part_and_the_gateway_charges_only_the_rest(
    client, alice, candle, card25, django_capture_on_commit_callbacks, mailoutbox
):
    cart_fill(client, {candle: 2})  # 39.98 + 7.95 shipping = 47.93
    with django_capture_on_commit_callbacks(execute=True):
        response = checkout_post(client, {**CHECKOUT_FORM, "gift_code": card25.code.lower()})
    pay_path = _pay_path(response)
    order = Order.objects.get()
    assert (order.total, order.giftcard_amount, order.amount_due) == (
        D("47.93"),
        D("25.00"),
        D("22.93"),
    )
    assert order.tax == D("0.00")  # unchanged by the card: it is not a discount
    card25.refresh_from_db()
    assert card25.balance == D("0.00")  # held at placement
    assert _entries(card25) == [("issue", D("25.00"), D("25.00")), ("redeem", D("-25.00"), D(0))]
    assert card25.entries.get(kind="redeem").order == order
    session = OfflineCheckoutSession.objects.get()
    assert session.amount_total == 2293
    assert session.line_items[-1] == {
        "kind": "giftcard",
        "name": "Paid by gift card / store credit",
        "sku": "",
        "unit_amount": -2500,
        "quantity": 1,
    }
    page = client.get(pay_path, HTTP_HOST=COMPANY_HOST).content.decode()
    assert "22.93 USD" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pay_path + "submit/", {"decision": "pay"}, HTTP_HOST=COMPANY_HOST)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert _entries(card25)[-1][0] == "redeem"  # payment keeps the hold
    status = client.get(
        f"/checkout/success/?session_id={order.checkout_session_id}", HTTP_HOST=ALICE_HOST
    )
    assert status.status_code == 200
    assert [m.subject for m in mailoutbox] == [f"Your order {order.number} is confirmed"]
    body = mailoutbox[0].body
    assert "Total  $47.93 USD" in body
    assert "Paid by gift card / store credit  -$25.00" in body
    assert "Paid by card  $22.93" in body


def test_the_checkout_page_shows_the_card_line_and_what_is_left_to_pay(
    client, alice, candle, card25
):
    cart_fill(client, {candle: 2})
    response = client.post(
        "/checkout/",
        {**CHECKOUT_FORM, "gift_code": card25.code, "action": "update"},
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<td class="totals-giftcard">−$25.00</td>' in html
    assert '<td class="totals-due"><strong>$22.93</strong></td>' in html
    assert '<td class="totals-total"><strong>$47.93</strong> USD</td>' in html
    assert "$25.00 available; this order uses $25.00, and $0.00 stays on it." in html
    assert Order.objects.count() == 0  # only the totals were updated


def test_a_fully_covered_order_skips_the_payment_page_and_is_paid_at_once(
    client, alice, candle, card100, django_capture_on_commit_callbacks, mailoutbox
):
    cart_fill(client, {candle: 2})
    with django_capture_on_commit_callbacks(execute=True):
        response = checkout_post(client, {**CHECKOUT_FORM, "gift_code": card100.code})
    order = Order.objects.get()
    assert response.status_code == 303
    assert order.checkout_session_id.startswith("gc_")
    assert response["Location"] == (
        f"http://{ALICE_HOST}/checkout/success/?session_id={order.checkout_session_id}"
    )
    assert order.status == Order.Status.PAID
    assert (order.giftcard_amount, order.amount_due, order.gateway) == (D("47.93"), D(0), "")
    assert OfflineCheckoutSession.objects.count() == 0  # no hosted page at all
    card100.refresh_from_db()
    assert card100.balance == D("52.07")
    assert [m.subject for m in mailoutbox] == [f"Your order {order.number} is confirmed"]
    assert "Paid by gift card / store credit  -$47.93" in mailoutbox[0].body
    assert "Paid by card" not in mailoutbox[0].body  # nothing was
    success = client.get(
        response["Location"].removeprefix(f"http://{ALICE_HOST}"), HTTP_HOST=ALICE_HOST
    )
    html = success.content.decode()
    assert f"Your order <strong>{order.number}</strong> is paid" in html
    assert '<td class="totals-giftcard">−$47.93</td>' in html
    assert "totals-due" not in html  # no "Remainder, by card" row for $0.00
    assert (
        f"Gift card ending {card100.code[-4:]}: $47.93 used, <strong>$52.07</strong> left" in html
    )


@pytest.mark.parametrize(
    ("make_code", "message"),
    [
        (lambda cards: "ABCD-EFGH-JKMN-PQRS", "That gift card code is not valid."),
        (lambda cards: cards["spent"].code, "That gift card has no money left on it."),
        (lambda cards: cards["bobs"].code, "bought in another shop and can be used there only"),
        (lambda cards: cards["credit"].code, "That gift card code is not valid."),
    ],
    ids=["unknown", "spent", "other-storefront", "store-credit-code"],
)
def test_a_card_that_cannot_pay_is_explained_and_nothing_is_placed_or_lost(
    client, alice, bob, candle, pat, make_code, message
):
    from orders.services import order_place
    from tests.catalog import variant_of
    from tests.factories import CustomerDetailsFactory

    spent = giftcard_issue(amount=D("10.00"), actor="staff:1")
    giftcard_redeem(code=spent.code, amount=D("10.00"), actor="test")
    bob_order = order_place(
        items=[(variant_of(candle).pk, 1)], retailer=bob, customer=CustomerDetailsFactory()
    )
    bobs = giftcard_issue(amount=D("30.00"), actor="test", source_order=bob_order)
    credit = giftcard_issue(
        amount=D("5.00"), actor="test", kind=GiftCard.Kind.STORE_CREDIT, owner=pat
    )
    cards = {"spent": spent, "bobs": bobs, "credit": credit}
    before = Order.objects.count()
    entries_before = GiftCardEntry.objects.count()
    cart_fill(client, {candle: 2})
    response = checkout_post(client, {**CHECKOUT_FORM, "gift_code": make_code(cards)})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Gift card not applied:" in html and message in html
    assert 'value="1 Main St"' in html  # the form is kept
    assert "Candle" in html or "CANDLE" in html or "$39.98" in html  # so is the cart
    assert Order.objects.count() == before
    assert GiftCardEntry.objects.count() == entries_before


@override_settings(GIFTCARD_CODE_TRY_RATE="3/10m")
def test_guessing_codes_is_rate_limited_per_client(client, alice, candle, card25):
    cart_fill(client, {candle: 1})
    for n in range(3):
        response = checkout_post(
            client, {**CHECKOUT_FORM, "gift_code": f"ZZZZ-ZZZZ-ZZZZ-ZZZ{n + 2}"}
        )
        assert "That gift card code is not valid." in response.content.decode()
    # Now even the right code is not looked up: nothing placed, nothing spent.
    response = checkout_post(client, {**CHECKOUT_FORM, "gift_code": card25.code})
    assert response.status_code == 429
    assert "Too many gift-card codes tried" in response.content.decode()
    assert Order.objects.count() == 0
    card25.refresh_from_db()
    assert card25.balance == D("25.00")


def test_a_failed_or_canceled_payment_gives_the_card_its_money_back(client, alice, candle, card25):
    cart_fill(client, {candle: 2})
    checkout_post(client, {**CHECKOUT_FORM, "gift_code": card25.code})
    order = Order.objects.get()
    card25.refresh_from_db()
    assert card25.balance == D("0.00")
    order_payment_cancel(order_id=order.pk, actor="gateway", reason="Payment session expired")
    card25.refresh_from_db()
    assert card25.balance == D("25.00")
    assert _entries(card25)[-1] == ("release", D("25.00"), D("25.00"))
    # Canceling again gives nothing more back.
    order_payment_cancel(order_id=order.pk, actor="gateway", reason="again")
    assert card25.entries.count() == 3


def test_checking_the_cart_out_again_releases_the_first_attempts_hold(
    client, alice, candle, card25
):
    cart_fill(client, {candle: 2})
    checkout_post(client, {**CHECKOUT_FORM, "gift_code": card25.code})
    checkout_post(client, {**CHECKOUT_FORM, "gift_code": card25.code})
    first, second = Order.objects.order_by("pk")
    assert first.status == Order.Status.CANCELED
    assert (second.status, second.giftcard_amount) == (Order.Status.PENDING_PAYMENT, D("25.00"))
    card25.refresh_from_db()
    assert card25.balance == D("0.00")
    assert [k for k, _a, _b in _entries(card25)] == ["issue", "redeem", "release", "redeem"]


def test_gift_card_products_cannot_be_paid_with_a_gift_card(
    client, alice, candle, gift_card_product, card100
):
    cart_fill(client, {candle: 1, gift_card_product: 1})  # 19.99 + 25.00 + 7.95
    response = checkout_post(
        client,
        {
            **CHECKOUT_FORM,
            "gift_code": card100.code,
            "recipient_name": "Rae Recipient",
            "recipient_email": "rae@example.com",
        },
    )
    _pay_path(response)
    order = Order.objects.get()
    assert order.total == D("52.94")
    assert (order.giftcard_amount, order.amount_due) == (D("27.94"), D("25.00"))


def test_a_signed_in_shopper_pays_with_store_credit(client, alice, candle, pat):
    giftcard_issue(amount=D("10.00"), actor="test", kind=GiftCard.Kind.STORE_CREDIT, owner=pat)
    client.force_login(pat)
    cart_fill(client, {candle: 1})
    page = client.get("/checkout/", HTTP_HOST=ALICE_HOST).content.decode()
    assert "Use my store credit ($10.00 available)" in page
    _pay_path(checkout_post(client, {**CHECKOUT_FORM, "use_store_credit": "on"}))
    order = Order.objects.get()
    assert (order.total, order.giftcard_amount, order.amount_due) == (
        D("27.94"),
        D("10.00"),
        D("17.94"),
    )
    assert GiftCard.objects.get(owner=pat).balance == D("0.00")


def test_store_credit_is_not_offered_to_a_guest(client, alice, candle, pat):
    giftcard_issue(amount=D("10.00"), actor="test", kind=GiftCard.Kind.STORE_CREDIT, owner=pat)
    cart_fill(client, {candle: 1})
    assert "store credit" not in client.get("/checkout/", HTTP_HOST=ALICE_HOST).content.decode()
    _pay_path(checkout_post(client, {**CHECKOUT_FORM, "use_store_credit": "on"}))
    assert Order.objects.get().giftcard_amount == D("0.00")


def _paid_with_card(client, candle, card, django_capture_on_commit_callbacks) -> Order:
    cart_fill(client, {candle: 2})  # 47.93
    pay_path = _pay_path(checkout_post(client, {**CHECKOUT_FORM, "gift_code": card.code}))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pay_path + "submit/", {"decision": "pay"}, HTTP_HOST=COMPANY_HOST)
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    return order


def test_a_full_refund_returns_the_card_part_to_the_card_and_the_rest_through_the_gateway(
    client, alice, candle, card25, django_capture_on_commit_callbacks
):
    order = _paid_with_card(client, candle, card25, django_capture_on_commit_callbacks)
    order = order_refund(order_id=order.pk, amount=None, actor="staff:1")
    assert order.status == Order.Status.REFUNDED
    assert (order.refunded_amount, order.giftcard_refunded) == (D("47.93"), D("25.00"))
    assert OfflineCheckoutSession.objects.get().amount_refunded == 2293
    card25.refresh_from_db()
    assert card25.balance == D("25.00")
    assert _entries(card25)[-1] == ("release", D("25.00"), D("25.00"))


def test_partial_refunds_split_in_proportion_and_add_up_exactly(
    client, alice, candle, card25, django_capture_on_commit_callbacks
):
    order = _paid_with_card(client, candle, card25, django_capture_on_commit_callbacks)
    order = order_refund(order_id=order.pk, amount=D("10.00"), actor="staff:1")
    # 10.00 × 25.00 / 47.93 = 5.2159… → 5.22 to the card, 4.78 through the gateway
    assert (order.refunded_amount, order.giftcard_refunded) == (D("10.00"), D("5.22"))
    assert OfflineCheckoutSession.objects.get().amount_refunded == 478
    order = order_refund(order_id=order.pk, amount=None, actor="staff:1")
    assert (order.refunded_amount, order.giftcard_refunded) == (D("47.93"), D("25.00"))
    assert OfflineCheckoutSession.objects.get().amount_refunded == 2293
    card25.refresh_from_db()
    assert card25.balance == D("25.00")
    assert [a for k, a, _b in _entries(card25) if k == "release"] == [D("5.22"), D("19.78")]


def test_a_fully_covered_order_is_refunded_to_the_card_only(
    client, alice, candle, card100, django_capture_on_commit_callbacks
):
    cart_fill(client, {candle: 2})
    checkout_post(client, {**CHECKOUT_FORM, "gift_code": card100.code})
    order = order_refund(order_id=Order.objects.get().pk, amount=None, actor="staff:1")
    assert (order.status, order.giftcard_refunded) == (Order.Status.REFUNDED, D("47.93"))
    card100.refresh_from_db()
    assert card100.balance == D("100.00")
