"""A return refunded through Stripe: the real stripe library with a fake HTTP client."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders.returns.models import ReturnRequest
from orders.returns.services import return_receive, return_refund, return_request_create
from orders.services import order_ship
from tests.orders.test_stripe_gateway import _paid_stripe_order, fake_stripe  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_return_refund_calls_stripe_for_the_line_amount(
    client,
    alice,
    candle,
    fake_stripe,  # noqa: F811
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    order = _paid_stripe_order(client, fake_stripe, candle)  # 1 × 19.99 + 7.95 shipping
    order_ship(order_id=order.pk, carrier="ups", tracking_number="1Z1", actor="test")
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        request = return_request_create(
            order_id=order.pk,
            quantities={line.pk: 1},
            reasons={line.pk: "changed_mind"},
            note="",
            actor="test",
        )
        return_receive(return_id=request.pk, actor="staff:1")
        request = return_refund(return_id=request.pk, actor="staff:1")
    assert (request.status, request.refund_amount) == (
        ReturnRequest.Status.REFUNDED,
        line.line_total,
    )
    call = fake_stripe.requests[-1]
    assert call["path"] == "/v1/refunds"
    assert call["params"]["amount"] == str(int(line.line_total * 100))
    assert call["params"]["payment_intent"] == "pi_test_1"
    order.refresh_from_db()
    assert order.refunded_amount == line.line_total == Decimal("19.99")
    assert [m.subject for m in mailoutbox if "refund" in m.subject.lower()] == [
        f"A refund for order {order.number}"
    ]
