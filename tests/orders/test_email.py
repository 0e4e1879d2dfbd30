"""Order email: rows written with their cause, sent after commit, never twice."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from orders.models import Order
from shopsocial.mail import tasks as mail_tasks
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_redispatch_pending
from tests.conftest import COMPANY_HOST

from .conftest import cart_fill, checkout_post

pytestmark = pytest.mark.django_db


def _pay(client, django_capture_on_commit_callbacks) -> Order:
    with django_capture_on_commit_callbacks(execute=True):
        response = checkout_post(client)
    path = response["Location"].removeprefix(f"http://{COMPANY_HOST}")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path + "submit/", {"decision": "pay"}, HTTP_HOST=COMPANY_HOST)
    return Order.objects.get()


def test_broker_down_at_checkout_the_order_completes_and_mail_goes_out_later(
    client, alice, candle, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker unreachable")

    monkeypatch.setattr(mail_tasks.email_send_task, "delay", broker_down)
    cart_fill(client, {candle: 1})
    order = _pay(client, django_capture_on_commit_callbacks)
    assert order.status == Order.Status.PAID
    email = OutboundEmail.objects.get()
    assert (email.template, email.status, email.to) == (
        "order_confirmation",
        OutboundEmail.Status.PENDING,
        "shopper@example.com",
    )
    assert mailoutbox == []

    # Still down: the periodic redispatch leaves the row pending.
    assert email_redispatch_pending(older_than=timedelta(0)) == 1
    assert mailoutbox == []

    monkeypatch.undo()  # the broker is back
    assert email_redispatch_pending(older_than=timedelta(0)) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == f"Your order {order.number} is confirmed"
    # A further run finds nothing to send: never the same email twice.
    assert email_redispatch_pending(older_than=timedelta(0)) == 0
    mail_tasks.email_send_task.delay(email.pk)
    assert len(mailoutbox) == 1


def test_confirmation_has_text_and_html_with_postal_address_and_privacy_link(
    client, alice, candle, django_capture_on_commit_callbacks, mailoutbox
):
    cart_fill(client, {candle: 2})
    order = _pay(client, django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    assert message.from_email == "Shop Social Scenes <orders@shopsocialscenes.com>"
    assert message.reply_to == ["info@shopsocialscenes.com"]
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert order.number in body
        assert "PO Box 388" in body
        assert "San Juan Capistrano, CA 92693" in body
        assert "Privacy Policy" in body
        assert "http://www.shop.test/privacy/" in body
        assert "Alice&#x27;s Attic" in body or "Alice's Attic" in body
        assert "39.98" in body and "47.93" in body
    assert "2 x Product CANDLE-1 (CANDLE-1)  $39.98" in message.body


def test_shipping_notice_carries_carrier_and_tracking_number(
    client, alice, candle, django_capture_on_commit_callbacks, mailoutbox
):
    from orders.services import order_ship

    cart_fill(client, {candle: 1})
    order = _pay(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        order_ship(
            order_id=order.pk, carrier="UPS", tracking_number="1Z999AA10123456784", actor="staff:1"
        )
    shipped = mailoutbox[-1]
    assert shipped.subject == f"Your order {order.number} has shipped"
    assert "Carrier: UPS" in shipped.body
    assert "Tracking number: 1Z999AA10123456784" in shipped.body
    assert "1Z999AA10123456784" in shipped.alternatives[0].content
    assert "PO Box 388" in shipped.body
    # The post-purchase survey is linked, on the storefront that took the order.
    survey_url = re.search(r"http://alice\.shop\.test/survey/[^\s]+/", shipped.body).group(0)
    survey_path = survey_url.removeprefix("http://alice.shop.test")
    assert client.get(survey_path, HTTP_HOST="alice.shop.test").status_code == 200
