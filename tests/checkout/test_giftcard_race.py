"""Two checkouts placing orders with the same card at once: one gets the money, the other
is refused with a message and leaves nothing behind (no order, no stock held)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from orders.giftcards.models import GiftCardEntry
from orders.giftcards.services import giftcard_issue
from orders.models import Order
from orders.services import CheckoutError, order_place
from tests.catalog import variant_of
from tests.factories import CustomerDetailsFactory


@pytest.mark.django_db(transaction=True)
def test_two_orders_racing_for_one_card_spend_it_once(transactional_db, alice, make_product):
    product = make_product(sku="RACE-1", price="30.00", stock=10)
    card = giftcard_issue(amount=Decimal("25.00"), actor="test")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def shopper(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            order_place(
                items=[(variant_of(product).pk, 1)],
                retailer=alice,
                customer=CustomerDetailsFactory(email=f"racer{n}@example.com"),
                giftcard_code=card.code,
            )
            with lock:
                outcomes.append("placed")
        except CheckoutError as exc:
            with lock:
                outcomes.append(exc.message)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=shopper, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    # The loser is refused either before its totals (the card reads empty) or at the hold
    # (the card row is locked, then found spent): both say so, neither spends anything.
    assert sorted(outcomes)[1] == "placed"
    assert sorted(outcomes)[0] in (
        "Gift card not applied: That gift card has no money left on it.",
        "Gift card not applied: The gift card's balance changed meanwhile; check it again.",
    )
    order = Order.objects.get()
    assert order.giftcard_amount == Decimal("25.00")
    card.refresh_from_db()
    assert card.balance == Decimal("0.00")
    assert list(GiftCardEntry.objects.filter(card=card).values_list("kind", flat=True)) == [
        "issue",
        "redeem",
    ]
    product.refresh_from_db()
    assert variant_of(product).stock == 9  # the refused order holds nothing
