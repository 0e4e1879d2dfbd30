"""Returns (issue 28 item 2): a shopper asks, Fulfilment receives, inspects and refunds
through the order's refund service; commissions are clawed back by the ledger."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Sum
from django.test import override_settings

from orders.accounts.selectors import order_status_path
from orders.models import Order, OrderEvent
from orders.returns.models import ReturnLine, ReturnRequest
from orders.returns.services import ReturnError, return_receive, return_refund
from retailers.earnings.models import CommissionEntry
from shopsocial.mail.models import OutboundEmail
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db
D = Decimal
CHANGELIST = "/admin/returns/returnrequest/"


def _return_path(order: Order) -> str:
    return order_status_path(order=order) + "return/"


def _lines(order: Order):
    candle_line, mug_line = order.lines.order_by("sku")
    return candle_line, mug_line


def _ask(client, order, data, host=ALICE_HOST, **extra):
    return client.post(_return_path(order), data, HTTP_HOST=host, **extra)


@pytest.fixture
def fulfilment(db):
    user = get_user_model().objects.create_user(username="ful", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Fulfilment"))
    return user


def test_a_shopper_asks_for_a_return_from_the_status_link_and_gets_instructions(
    client, shipped_order, django_capture_on_commit_callbacks, mailoutbox
):
    candle_line, mug_line = _lines(shipped_order)
    status_page = client.get(order_status_path(order=shipped_order), HTTP_HOST=ALICE_HOST)
    assert _return_path(shipped_order) in status_page.text  # the "Return items" link
    form = client.get(_return_path(shipped_order), HTTP_HOST=ALICE_HOST)
    assert form.status_code == 200 and "Candle" in form.text
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(
            client,
            shipped_order,
            {f"qty-{candle_line.pk}": "1", f"reason-{candle_line.pk}": "changed_mind"},
        )
    assert response.status_code == 200
    request = ReturnRequest.objects.get()
    assert request.number == f"{shipped_order.number}-R1"
    assert request.number in response.text
    assert [(x.order_line_id, x.quantity, x.reason) for x in request.lines.all()] == [
        (candle_line.pk, 1, "changed_mind")
    ]
    (mail,) = mailoutbox
    assert mail.to == ["rita@example.com"]
    assert mail.subject == f"How to send back your return {request.number}"
    assert "1 × " in mail.body and "(Changed my mind)" in mail.body
    assert "PO Box 388" in mail.body and "prepaid label" in mail.body
    assert OrderEvent.objects.filter(
        order=shipped_order, message=f"Return {request.number} requested"
    ).exists()


def test_more_than_was_bought_or_no_reason_is_refused_and_nothing_is_saved(client, shipped_order):
    candle_line, mug_line = _lines(shipped_order)
    too_many = _ask(
        client, shipped_order, {f"qty-{candle_line.pk}": "3", f"reason-{candle_line.pk}": "damaged"}
    )
    no_reason = _ask(client, shipped_order, {f"qty-{mug_line.pk}": "1"})
    nothing = _ask(client, shipped_order, {})
    garbage = _ask(client, shipped_order, {f"qty-{mug_line.pk}": "x", "reason-999": "<b>"})
    assert [r.status_code for r in (too_many, no_reason, nothing, garbage)] == [400] * 4
    assert "Tell us why you are returning" in no_reason.text
    assert "Choose at least one item" in nothing.text
    assert ReturnRequest.objects.count() == 0


def test_items_already_in_a_return_cannot_be_asked_for_again(client, shipped_order):
    candle_line, _ = _lines(shipped_order)
    data = {f"qty-{candle_line.pk}": "2", f"reason-{candle_line.pk}": "changed_mind"}
    assert _ask(client, shipped_order, data).status_code == 200
    again = _ask(client, shipped_order, data)
    assert again.status_code == 400
    assert ReturnRequest.objects.count() == 1


@override_settings(RETURN_WINDOW_DAYS=30)
def test_after_the_return_window_the_request_is_refused(client, shipped_order):
    candle_line, _ = _lines(shipped_order)
    Order.objects.filter(pk=shipped_order.pk).update(
        shipped_at=shipped_order.shipped_at - timedelta(days=31)
    )
    page = client.get(_return_path(shipped_order), HTTP_HOST=ALICE_HOST)
    assert "cannot be returned online" in page.text and '<form method="post" class' not in page.text
    response = _ask(
        client, shipped_order, {f"qty-{candle_line.pk}": "1", f"reason-{candle_line.pk}": "damaged"}
    )
    assert response.status_code == 409
    assert ReturnRequest.objects.count() == 0


def test_an_order_not_yet_shipped_cannot_be_returned(shipped_order):
    Order.objects.filter(pk=shipped_order.pk).update(status="paid", shipped_at=None)
    candle_line, _ = _lines(shipped_order)
    from orders.returns.services import return_request_create

    with pytest.raises(ReturnError):
        return_request_create(
            order_id=shipped_order.pk,
            quantities={candle_line.pk: 1},
            reasons={candle_line.pk: "damaged"},
            note="",
            actor="test",
        )
    assert ReturnRequest.objects.count() == 0


def test_the_status_link_works_only_on_the_storefront_that_took_the_order(client, shipped_order):
    response = client.get(_return_path(shipped_order), HTTP_HOST=BOB_HOST)
    assert response.status_code == 404
    assert client.get("/orders/status/forged/return/", HTTP_HOST=ALICE_HOST).status_code == 404


def test_the_account_route_shows_only_the_shoppers_own_orders(client, shipped_order):
    owner = get_user_model().objects.create_user(username="rita", email="rita@example.com")
    other = get_user_model().objects.create_user(username="otto", email="otto@example.com")
    Order.objects.filter(pk=shipped_order.pk).update(customer=owner)
    path = f"/account/orders/{shipped_order.number}/return/"
    client.force_login(other)
    assert client.get(path, HTTP_HOST=ALICE_HOST).status_code == 404
    client.force_login(owner)
    detail = client.get(f"/account/orders/{shipped_order.number}/", HTTP_HOST=ALICE_HOST)
    assert path in detail.text
    assert client.get(path, HTTP_HOST=ALICE_HOST).status_code == 200


def _requested(client, order, data) -> ReturnRequest:
    assert _ask(client, order, data).status_code == 200
    return ReturnRequest.objects.get()


def test_fulfilment_receives_inspects_and_refunds_per_line_through_the_gateway(
    client, shipped_order, fulfilment, django_capture_on_commit_callbacks, mailoutbox
):
    candle_line, mug_line = _lines(shipped_order)
    request = _requested(
        client,
        shipped_order,
        {
            f"qty-{candle_line.pk}": "2",
            f"reason-{candle_line.pk}": "changed_mind",
            f"qty-{mug_line.pk}": "1",
            f"reason-{mug_line.pk}": "not_as_described",
        },
    )
    accrued = CommissionEntry.objects.get(order=shipped_order, key="paid").amount
    client.force_login(fulfilment)
    # Refund before the parcel is here: refused, nothing changes.
    client.post(
        CHANGELIST, {"action": "refund", "_selected_action": [request.pk]}, HTTP_HOST=COMPANY_HOST
    )
    shipped_order.refresh_from_db()
    assert shipped_order.refunded_amount == D("0.00")
    client.post(
        CHANGELIST,
        {"action": "mark_received", "_selected_action": [request.pk]},
        HTTP_HOST=COMPANY_HOST,
    )
    request.refresh_from_db()
    assert request.status == "received" and request.received_by == f"staff:{fulfilment.pk}"
    # Inspection: one of the two candles came back burnt.
    ReturnLine.objects.filter(request=request, order_line=candle_line).update(accepted_quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGELIST,
            {"action": "refund", "_selected_action": [request.pk]},
            HTTP_HOST=COMPANY_HOST,
        )
    request.refresh_from_db()
    shipped_order.refresh_from_db()
    # 1 candle 19.99 + 1 mug 10.00; changed mind / not as described: no shipping back.
    assert (request.status, request.refund_amount, request.refund_shipping) == (
        "refunded",
        D("29.99"),
        D("0.00"),
    )
    assert sorted(request.lines.values_list("refund_amount", flat=True)) == [D("10.00"), D("19.99")]
    assert (shipped_order.status, shipped_order.refunded_amount) == (
        "partially_refunded",
        D("29.99"),
    )
    assert [m.subject for m in mailoutbox] == [f"A refund for order {shipped_order.number}"]
    assert "$29.99" in mailoutbox[0].body
    clawed = CommissionEntry.objects.filter(
        order=shipped_order, kind=CommissionEntry.Kind.REFUND
    ).aggregate(s=Sum("amount"))["s"]
    total = shipped_order.total
    assert total == D("57.93")
    assert clawed == -(accrued * D("29.99") / total).quantize(D("0.01"))


def test_a_damaged_item_also_refunds_the_original_shipping_once(client, shipped_order):
    candle_line, mug_line = _lines(shipped_order)
    request = _requested(
        client, shipped_order, {f"qty-{mug_line.pk}": "1", f"reason-{mug_line.pk}": "damaged"}
    )
    return_receive(return_id=request.pk, actor="staff:1")
    request = return_refund(return_id=request.pk, actor="staff:1")
    assert (request.refund_amount, request.refund_shipping) == (D("17.95"), D("7.95"))
    second = _ask(
        client,
        shipped_order,
        {f"qty-{candle_line.pk}": "1", f"reason-{candle_line.pk}": "wrong_item"},
    )
    assert second.status_code == 200
    later = ReturnRequest.objects.exclude(pk=request.pk).get()
    return_receive(return_id=later.pk, actor="staff:1")
    later = return_refund(return_id=later.pk, actor="staff:1")
    assert (later.refund_amount, later.refund_shipping) == (D("19.99"), D("0.00"))
    shipped_order.refresh_from_db()
    assert shipped_order.refunded_amount == D("37.94")


def test_a_rejected_return_refunds_nothing_and_frees_the_items(client, shipped_order, fulfilment):
    candle_line, _ = _lines(shipped_order)
    data = {f"qty-{candle_line.pk}": "2", f"reason-{candle_line.pk}": "changed_mind"}
    request = _requested(client, shipped_order, data)
    client.force_login(fulfilment)
    client.post(
        CHANGELIST, {"action": "reject", "_selected_action": [request.pk]}, HTTP_HOST=COMPANY_HOST
    )
    request.refresh_from_db()
    shipped_order.refresh_from_db()
    assert (request.status, shipped_order.refunded_amount) == ("rejected", D("0.00"))
    client.logout()
    assert _ask(client, shipped_order, data).status_code == 200


def test_staff_without_the_refund_permission_cannot_refund_a_return(client, shipped_order):
    candle_line, _ = _lines(shipped_order)
    request = _requested(
        client, shipped_order, {f"qty-{candle_line.pk}": "1", f"reason-{candle_line.pk}": "damaged"}
    )
    return_receive(return_id=request.pk, actor="staff:1")
    support = get_user_model().objects.create_user(username="sup", password="x", is_staff=True)
    support.groups.add(Group.objects.get(name="Support"))
    client.force_login(support)
    client.post(
        CHANGELIST, {"action": "refund", "_selected_action": [request.pk]}, HTTP_HOST=COMPANY_HOST
    )
    request.refresh_from_db()
    shipped_order.refresh_from_db()
    assert (request.status, shipped_order.refunded_amount) == ("received", D("0.00"))


def test_the_returns_page_describes_the_online_return(client, alice):
    page = client.get("/help/returns/", HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    text = page.text
    assert "Return items" in text and "within 30 days of the day your order shipped" in text
    assert "gift card" not in text.lower()


def test_outbound_email_row_is_transactional(client, shipped_order):
    candle_line, _ = _lines(shipped_order)
    _requested(
        client, shipped_order, {f"qty-{candle_line.pk}": "1", f"reason-{candle_line.pk}": "damaged"}
    )
    email = OutboundEmail.objects.get(template="return_instructions")
    assert email.kind == OutboundEmail.Kind.TRANSACTIONAL
