"""Return fixtures: a paid, shipped order with two lines (offline gateway)."""

from __future__ import annotations

import pytest

from orders.gateways import gateway_get
from orders.gateways.offline import offline_session_settle
from orders.models import Order
from orders.services import order_place, order_ship
from orders.services.checkout import checkout_session_start
from orders.services.payment import order_payment_confirm
from tests.catalog import variant_of
from tests.factories import CustomerDetailsFactory
from tests.orders.conftest import candle, category, make_product  # noqa: F401


@pytest.fixture
def mug(make_product):  # noqa: F811
    return make_product(sku="MUG-1", price="10.00", stock=5)


@pytest.fixture
def shipped_order(alice, candle, mug, monkeypatch) -> Order:  # noqa: F811
    """2 candles at 19.99 and a mug at 10.00, Standard shipping 7.95: total 57.93."""
    from orders.gateways import offline

    monkeypatch.setattr(offline, "offline_event_deliver", lambda *, event: None)
    order = order_place(
        items=[(variant_of(candle).pk, 2), (variant_of(mug).pk, 1)],
        retailer=alice,
        customer=CustomerDetailsFactory(email="rita@example.com", full_name="Rita Returner"),
    )
    checkout_session_start(order=order)
    offline_session_settle(session_id=order.checkout_session_id, pay=True)
    session = gateway_get().checkout_session_retrieve(order.checkout_session_id)
    order_payment_confirm(order_id=order.pk, session=session, actor="test")
    return order_ship(order_id=order.pk, carrier="ups", tracking_number="1Z999", actor="test")
