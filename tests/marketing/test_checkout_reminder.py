"""The abandoned-checkout reminder (issue 28 item 6): one marketing email, only for a
signed-in shopper who opted in, never for a DNT/GPC checkout, cancelled by paying."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from orders.models import Order
from orders.services.transitions import order_transition
from privacy.marketing.models import CheckoutReminder, Subscriber, Suppression
from privacy.marketing.services import checkout_reminders_send_due
from shopsocial.mail.models import OutboundEmail
from tests.accounts.support import email_verified_set
from tests.conftest import ALICE_HOST
from tests.factories import UserFactory
from tests.marketing.conftest import subscriber_make
from tests.orders.conftest import CHECKOUT_FORM, cart_fill, category, make_product  # noqa: F401

pytestmark = pytest.mark.django_db

EMAIL = "sam@example.com"
LATER = timedelta(minutes=121)


@pytest.fixture
def candle(make_product):  # noqa: F811 - the orders fixture, imported above
    return make_product(sku="CANDLE-1", price="19.99", stock=10)


@pytest.fixture
def sam(alice):
    user = UserFactory(username="sam", email=EMAIL)
    email_verified_set(user)
    return user


@pytest.fixture
def opted_in(sam, alice):
    return subscriber_make(EMAIL, alice)


def _checkout(user, product, **headers) -> Order:
    client = Client()
    if user is not None:
        client.force_login(user)
    cart_fill(client, {product: 1})
    response = client.post(
        "/checkout/", {**CHECKOUT_FORM, "email": EMAIL}, HTTP_HOST=ALICE_HOST, **headers
    )
    assert response.status_code == 303, response.content[:500]
    return Order.objects.latest("pk")


def _run(django_capture_on_commit_callbacks, *, after=LATER) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return checkout_reminders_send_due(now=timezone.now() + after)


def test_an_opted_in_shopper_who_left_the_payment_page_gets_one_reminder(
    sam, opted_in, candle, django_capture_on_commit_callbacks, mailoutbox
):
    order = _checkout(sam, candle)
    reminder = CheckoutReminder.objects.get(order=order)
    assert reminder.status == "scheduled"
    assert _run(django_capture_on_commit_callbacks, after=timedelta(minutes=60)) == 0
    assert mailoutbox == []  # not before the delay

    assert _run(django_capture_on_commit_callbacks) == 1
    assert _run(django_capture_on_commit_callbacks) == 0  # one email, however often it runs

    (message,) = mailoutbox
    assert message.to == [EMAIL]
    assert "Shop Social Scenes" in message.from_email
    assert message.subject.startswith("Still thinking it over? Your cart at ")
    html = message.alternatives[0][0]
    # CAN-SPAM as for campaigns: label, postal address, unsubscribe at the bottom, RFC 8058
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for part in (message.body, html.replace("&amp;", "&")):
        assert "Advertisement" in part
        assert "PO Box 388" in part and "San Juan Capistrano, CA 92693" in part
        assert part.rfind(unsubscribe) > part.rfind("Back to your cart")
    assert "http://alice.shop.test/cart/" in message.body
    assert f"http://alice.shop.test/p/{candle.slug}/" in html
    assert "<style" not in html and 'style="' in html  # branded, inlined
    row = OutboundEmail.objects.get(template="cart_reminder")
    assert row.kind == "marketing" and row.status == "sent"
    # the one-click URL really unsubscribes (POST, no cookies)
    response = Client().post(
        unsubscribe.replace("http://www.shop.test", ""),
        {"List-Unsubscribe": "One-Click"},
        HTTP_HOST="www.shop.test",
    )
    assert response.status_code == 200
    assert Subscriber.objects.get(email=EMAIL).status == "unsubscribed"


@pytest.mark.parametrize("header", [{"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}])
def test_a_dnt_or_gpc_checkout_is_recorded_and_never_reminded(
    sam, opted_in, candle, header, django_capture_on_commit_callbacks, mailoutbox
):
    order = _checkout(sam, candle, **header)
    reminder = CheckoutReminder.objects.get(order=order)
    assert reminder.status == "skipped"
    assert (reminder.dnt, reminder.gpc) == ("HTTP_DNT" in header, "HTTP_SEC_GPC" in header)
    assert _run(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_the_database_refuses_to_schedule_a_dnt_checkout(sam, candle):
    from django.db import IntegrityError, transaction

    order = _checkout(sam, candle, HTTP_DNT="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckoutReminder.objects.filter(order=order).update(status="scheduled")


def test_no_reminder_without_a_marketing_opt_in(
    sam, alice, candle, django_capture_on_commit_callbacks, mailoutbox
):
    subscriber_make(EMAIL, alice, confirmed=False)  # signed up, never confirmed
    order = _checkout(sam, candle)
    assert CheckoutReminder.objects.get(order=order).status == "skipped"
    assert _run(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_an_anonymous_checkout_keeps_nothing_and_sends_nothing(
    opted_in, candle, django_capture_on_commit_callbacks, mailoutbox
):
    _checkout(None, candle)
    assert not CheckoutReminder.objects.exists()
    assert _run(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_paying_cancels_the_reminder(
    sam, opted_in, candle, django_capture_on_commit_callbacks, mailoutbox
):
    order = _checkout(sam, candle)
    order_transition(order_id=order.pk, to_status=Order.Status.PAID, actor="test")
    reminder = CheckoutReminder.objects.get(order=order)
    assert (reminder.status, reminder.reason) == ("canceled", "order placed")
    assert _run(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_a_second_checkout_of_the_cart_supersedes_the_first(
    sam, opted_in, candle, django_capture_on_commit_callbacks, mailoutbox
):
    first = _checkout(sam, candle)
    second = _checkout(sam, candle)
    assert CheckoutReminder.objects.get(order=first).status == "canceled"
    assert CheckoutReminder.objects.get(order=second).status == "scheduled"
    assert _run(django_capture_on_commit_callbacks) == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("how", ["unsubscribed", "suppressed"])
def test_opting_out_before_the_delay_cancels_it(
    sam, opted_in, candle, how, django_capture_on_commit_callbacks, mailoutbox
):
    order = _checkout(sam, candle)
    if how == "unsubscribed":
        Subscriber.objects.filter(pk=opted_in.pk).update(status=Subscriber.Status.UNSUBSCRIBED)
    else:
        Suppression.objects.create(email=EMAIL, reason="complaint")
    assert _run(django_capture_on_commit_callbacks) == 0
    assert CheckoutReminder.objects.get(order=order).status == "canceled"
    assert mailoutbox == []


def test_a_checkout_older_than_the_maximum_age_is_not_reminded(
    sam, opted_in, candle, django_capture_on_commit_callbacks, mailoutbox
):
    order = _checkout(sam, candle)
    assert _run(django_capture_on_commit_callbacks, after=timedelta(hours=73)) == 0
    assert CheckoutReminder.objects.get(order=order).reason == "too late to remind"
    assert mailoutbox == []


def test_the_beat_schedule_runs_the_task(settings):
    from privacy.marketing.tasks import checkout_reminders_send_due_task

    entry = settings.CELERY_BEAT_SCHEDULE["marketing-checkout-reminders"]
    assert entry["task"] == checkout_reminders_send_due_task.name
    assert checkout_reminders_send_due_task.delay().get() == 0
