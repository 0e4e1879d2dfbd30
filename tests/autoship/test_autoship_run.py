"""Autoship end to end on the offline gateway: set up at checkout, run on the due date."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders.autoship.models import Autoship, AutoshipRun
from orders.autoship.services import autoship_run
from orders.models import OfflineCheckoutSession, Order
from retailers.earnings.models import CommissionEntry
from shopsocial.mail.models import OutboundEmail
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST

from .conftest import add_with_autoship, checkout_and_pay, day

pytestmark = pytest.mark.django_db


def test_checkout_keeps_the_card_at_the_gateway_and_starts_the_autoship(autoship, alice, candle):
    first = autoship.source_order
    session = OfflineCheckoutSession.objects.get(session_id=first.checkout_session_id)
    assert session.metadata["setup_future_usage"] == "off_session"
    assert autoship.status == Autoship.Status.ACTIVE
    assert autoship.retailer == alice
    assert autoship.interval_weeks == 4
    assert autoship.next_date == first.paid_at.date() + timedelta(weeks=4)
    assert autoship.payment_method_id.startswith("pm_offline_")
    assert autoship.gateway_customer_id.startswith("cus_offline_")
    assert [(line.variant, line.quantity) for line in autoship.lines.all()] == [
        (variant_of(candle), 1)
    ]
    # The first order is paid at the cart's price; no card data anywhere in ours.
    assert first.discount == Decimal("0.00")


def test_a_line_left_once_does_not_ask_the_gateway_to_keep_the_card(
    client, alice, candle, shopper, django_capture_on_commit_callbacks
):
    client.force_login(shopper)
    add_with_autoship(client, candle, weeks="")
    order = checkout_and_pay(client, django_capture_on_commit_callbacks)
    session = OfflineCheckoutSession.objects.get(session_id=order.checkout_session_id)
    assert "setup_future_usage" not in session.metadata
    assert Autoship.objects.count() == 0


def test_autoship_needs_an_account_with_a_confirmed_email(client, alice, candle):
    add_with_autoship(client, candle)  # anonymous: the choice is kept in the cart
    cart = client.get("/cart/", HTTP_HOST=ALICE_HOST).content.decode()
    assert "Autoship needs an account with a confirmed email address" in cart
    from tests.orders.conftest import CHECKOUT_FORM

    response = client.post("/checkout/", CHECKOUT_FORM, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 409
    assert "Autoship needs an account with a confirmed email address" in response.content.decode()
    assert Order.objects.count() == 0
    assert Autoship.objects.count() == 0


def test_the_due_date_places_the_order_at_todays_price_charges_and_emails(
    autoship, alice, candle, mailoutbox, django_capture_on_commit_callbacks
):
    due = autoship.next_date
    variant = variant_of(candle)
    variant.price = Decimal("21.00")  # today's price, not the first order's
    variant.save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = autoship_run(today=due)
    assert outcome["paid"] == 1
    run = AutoshipRun.objects.get()
    order = run.order
    assert run.status == AutoshipRun.Status.PAID
    assert run.idempotency_key == f"autoship-{autoship.pk}-{due.isoformat()}"
    assert order.status == Order.Status.PAID
    assert order.retailer == alice  # the first order's storefront is credited
    assert order.customer == autoship.customer
    assert order.subtotal == Decimal("21.00")
    assert order.discount == Decimal("2.10")  # AUTOSHIP_DISCOUNT_PERCENT = 10
    assert order.discount_code == "AUTOSHIP"
    assert order.total == order.subtotal - order.discount + order.shipping + order.tax
    assert order.payment_intent_id.startswith("pi_offline_")
    charge = OfflineCheckoutSession.objects.get(payment_intent_id=order.payment_intent_id)
    assert charge.idempotency_key == run.idempotency_key
    assert charge.amount_total == int(order.total * 100)
    assert order.ship_line1 == autoship.source_order.ship_line1
    assert [m.subject for m in mailoutbox] == [f"Your order {order.number} is confirmed"]
    autoship.refresh_from_db()
    assert autoship.next_date == due + timedelta(weeks=4)
    assert CommissionEntry.objects.filter(order=order, retailer=alice).exists()


def test_a_rerun_for_the_same_date_places_nothing(
    autoship, mailoutbox, django_capture_on_commit_callbacks
):
    due = autoship.next_date
    with django_capture_on_commit_callbacks(execute=True):
        call_command("autoship_run", "--today", due.isoformat(), stdout=StringIO())
    orders, sent = Order.objects.count(), len(mailoutbox)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("autoship_run", "--today", due.isoformat(), stdout=out)
    assert Order.objects.count() == orders == 2
    assert len(mailoutbox) == sent
    assert AutoshipRun.objects.count() == 1
    assert OfflineCheckoutSession.objects.count() == 2  # first checkout + one charge
    assert f"autoship_run {due.isoformat()}" in out.getvalue()


def test_nothing_is_placed_before_the_due_date(autoship):
    assert autoship_run(today=autoship.next_date - timedelta(days=1)) == {"reminded": 0}
    assert AutoshipRun.objects.count() == 0
    assert Order.objects.count() == 1


def test_a_run_interrupted_before_the_charge_charges_once_with_the_same_key(
    autoship, monkeypatch, django_capture_on_commit_callbacks
):
    from orders.autoship import services
    from orders.gateways import GatewayError
    from orders.gateways.offline import OfflineGateway

    due = autoship.next_date
    real = OfflineGateway.off_session_charge

    def unreachable(self, charge):
        raise GatewayError("offline: down")

    monkeypatch.setattr(OfflineGateway, "off_session_charge", unreachable)
    run = services.autoship_charge(autoship_id=autoship.pk, today=due)
    assert run.status == AutoshipRun.Status.PLACED
    assert run.order.status == Order.Status.PENDING_PAYMENT
    monkeypatch.setattr(OfflineGateway, "off_session_charge", real)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.autoship_charge(autoship_id=autoship.pk, today=due)
    assert again.pk == run.pk and again.status == AutoshipRun.Status.PAID
    assert Order.objects.filter(status=Order.Status.PAID).count() == 2
    assert OfflineCheckoutSession.objects.filter(idempotency_key=run.idempotency_key).count() == 1


def test_a_declined_charge_is_retried_on_schedule_with_an_email_and_paused_after_the_last(
    autoship, candle, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.AUTOSHIP_RETRY_DAYS = [1, 3]
    Autoship.objects.filter(pk=autoship.pk).update(payment_method_id="pm_offline_decline_1")
    due = autoship.next_date
    mailoutbox.clear()
    stock = variant_of(candle).stock
    tries = [due, due + timedelta(days=1), due + timedelta(days=4)]
    for today in tries:
        assert autoship_run(today=today - timedelta(days=1)).get("declined") is None
        with django_capture_on_commit_callbacks(execute=True):
            assert autoship_run(today=today)["declined"] == 1
    autoship.refresh_from_db()
    assert autoship.status == Autoship.Status.PAUSED
    assert autoship.failed_attempts == 3
    assert autoship.next_date == due  # the delivery was never made
    runs = list(AutoshipRun.objects.order_by("run_date"))
    assert [r.run_date for r in runs] == tries
    assert {r.status for r in runs} == {AutoshipRun.Status.DECLINED}
    assert {r.order.status for r in runs} == {Order.Status.CANCELED}
    assert variant_of(candle).stock == stock  # every hold released
    assert [m.subject for m in mailoutbox] == [
        "Your card was declined for your autoship",
        "Your card was declined for your autoship",
        "Your autoship is paused: the card was declined",
    ]
    assert f"try again on {(due + timedelta(days=1)).isoformat()}" in mailoutbox[0].body
    assert "paused" in mailoutbox[2].body
    # Paused: nothing more is tried.
    assert autoship_run(today=due + timedelta(days=30)) == {"reminded": 0}


def test_an_out_of_stock_item_is_skipped_and_said_so(
    autoship, candle, make_second_line, mailoutbox, django_capture_on_commit_callbacks
):
    vase = make_second_line(autoship)
    variant = variant_of(candle)
    variant.stock = 0
    variant.save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        autoship_run(today=autoship.next_date)
    run = AutoshipRun.objects.get()
    assert run.status == AutoshipRun.Status.PAID
    assert run.skipped_items == ["Cedar candle"]
    assert [(line.sku, line.quantity) for line in run.order.lines.all()] == [(vase.sku, 1)]
    subjects = sorted(m.subject for m in mailoutbox)
    assert subjects == [
        "Part of your autoship delivery was out of stock",
        f"Your order {run.order.number} is confirmed",
    ]
    skipped_mail = next(m for m in mailoutbox if "out of stock" in m.subject)
    assert "Cedar candle" in skipped_mail.body
    assert skipped_mail.alternatives and "Privacy" in skipped_mail.alternatives[0][0]


def test_nothing_in_stock_skips_the_delivery_and_charges_nothing(
    autoship, candle, mailoutbox, django_capture_on_commit_callbacks
):
    due = autoship.next_date
    variant = variant_of(candle)
    variant.stock = 0
    variant.save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert autoship_run(today=due)["nothing_in_stock"] == 1
    assert Order.objects.count() == 1
    autoship.refresh_from_db()
    assert autoship.next_date == due + timedelta(weeks=4)
    assert [m.subject for m in mailoutbox] == ["Your autoship delivery was skipped: out of stock"]


def test_a_reminder_goes_n_days_before_with_skip_date_and_edit_links_once(
    autoship, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.AUTOSHIP_REMINDER_DAYS = 3
    mailoutbox.clear()
    today = autoship.next_date - timedelta(days=3)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            autoship_run(today=today)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject == f"Your autoship delivery on {autoship.next_date.isoformat()}"
    page = f"http://{ALICE_HOST}/account/autoship/{autoship.pk}/"
    for anchor in ("#skip", "#date", "#edit"):
        assert page + anchor in mail.body
        assert page + anchor in mail.alternatives[0][0]
    assert mail.to == ["shopper@example.com"]
    assert "Privacy Policy" in mail.body
    assert OutboundEmail.objects.filter(template="autoship_reminder").count() == 1


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("autoship_run", "--today", "04/12/2026")


def test_the_beat_schedule_runs_autoship(settings):
    assert settings.CELERY_BEAT_SCHEDULE["autoship-run"]["task"] == "autoship.autoship_run_task"


def test_the_task_runs_for_today(autoship, monkeypatch):
    from orders.autoship.tasks import autoship_run_task

    assert autoship_run_task.delay(autoship.next_date.isoformat()).get()["paid"] == 1
    assert day(str(timezone.localdate()))  # the task defaults to today
