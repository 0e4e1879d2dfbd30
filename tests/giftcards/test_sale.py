"""A gift-card product sold: when the order is paid, each unit becomes a card emailed with
its code; an unpaid order issues nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders.gateways import gateway_get
from orders.gateways.offline import offline_session_settle
from orders.giftcards.models import GiftCard, GiftCardProduct
from orders.services import order_place
from orders.services.checkout import checkout_session_start
from orders.services.payment import order_payment_confirm
from tests.catalog import variant_of
from tests.factories import CustomerDetailsFactory
from tests.orders.conftest import category, make_product  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def gift_card_product(make_product):  # noqa: F811
    product = make_product(sku="GIFT-25", price="25.00", stock=100)
    GiftCardProduct.objects.create(product=product)
    return product


def _order(alice, product, quantity):
    return order_place(
        items=[(variant_of(product).pk, quantity)],
        retailer=alice,
        customer=CustomerDetailsFactory(email="giver@example.com", full_name="Gia Giver"),
    )


def test_a_paid_gift_card_order_issues_and_emails_one_code_per_unit(
    alice, gift_card_product, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    from orders.gateways import offline

    monkeypatch.setattr(offline, "offline_event_deliver", lambda *, event: None)
    order = _order(alice, gift_card_product, 2)
    assert GiftCard.objects.count() == 0  # not before payment
    checkout_session_start(order=order)
    offline_session_settle(session_id=order.checkout_session_id, pay=True)
    session = gateway_get().checkout_session_retrieve(order.checkout_session_id)
    with django_capture_on_commit_callbacks(execute=True):
        order_payment_confirm(order_id=order.pk, session=session, actor="test")
    cards = list(GiftCard.objects.order_by("pk"))
    assert [(c.initial_amount, c.balance, c.source_order_id) for c in cards] == [
        (Decimal("25.00"), Decimal("25.00"), order.pk)
    ] * 2
    assert cards[0].code != cards[1].code
    gift_mails = [m for m in mailoutbox if "gift card" in m.subject]
    assert sorted(m.to[0] for m in gift_mails) == ["giver@example.com"] * 2
    assert {c.code for c in cards} == {
        next(code for code in (c.code for c in cards) if code in m.body) for m in gift_mails
    }
    assert all(m.subject.startswith("Your $25.00 gift card from") for m in gift_mails)


def test_gift_cards_earn_no_commission_and_products_beside_them_do(
    alice,
    gift_card_product,
    make_product,  # noqa: F811
    monkeypatch,
):
    from orders.gateways import offline
    from retailers.earnings.models import CommissionEntry

    monkeypatch.setattr(offline, "offline_event_deliver", lambda *, event: None)
    candle = make_product(sku="CANDLE-GC", price="40.00", stock=5)

    def paid(items):
        order = order_place(
            items=[(variant_of(p).pk, q) for p, q in items],
            retailer=alice,
            customer=CustomerDetailsFactory(email="giver@example.com"),
        )
        checkout_session_start(order=order)
        offline_session_settle(session_id=order.checkout_session_id, pay=True)
        session = gateway_get().checkout_session_retrieve(order.checkout_session_id)
        return order_payment_confirm(order_id=order.pk, session=session, actor="test")

    only_cards = paid([(gift_card_product, 2)])
    mixed = paid([(gift_card_product, 1), (candle, 1)])
    candle_only = paid([(candle, 1)])
    earned = {
        o.pk: CommissionEntry.objects.filter(order=o, key="paid").values_list("amount", flat=True)
        for o in (only_cards, mixed, candle_only)
    }
    assert list(earned[only_cards.pk]) in ([], [Decimal("0.00")])
    (candle_commission,) = earned[candle_only.pk]
    assert candle_commission > 0
    assert list(earned[mixed.pk]) == [candle_commission]
