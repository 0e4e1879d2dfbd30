"""Stock holds that expire, and one pending order per cart (issue 13)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from orders.gateways import offline
from orders.models import OfflineCheckoutSession, Order
from orders.services import CheckoutError, holds, order_place
from orders.services.holds import (
    RELEASE_QUEUED_KEY,
    stock_holds_release_all,
    stock_holds_release_expired,
)
from orders.services.payment import order_payment_confirm
from orders.tasks import stock_holds_release_task
from shopsocial.invalidation import CACHE_ALIAS
from storefront.models import Product
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST
from tests.factories import CustomerDetailsFactory

from .conftest import cart_fill, checkout_post

CUSTOMER = CustomerDetailsFactory()


def _expire(*orders: Order) -> None:
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        hold_expires_at=timezone.now() - timedelta(minutes=10)
    )


@pytest.mark.django_db
def test_a_hold_lasts_the_setting_and_the_gateway_session_expires_with_it(
    client, alice, candle, settings
):
    settings.STOCK_HOLD_MINUTES = 45
    cart_fill(client, {candle: 1})
    before = timezone.now()
    checkout_post(client)
    order = Order.objects.get()
    assert (
        timedelta(minutes=44) < order.hold_expires_at - before <= timedelta(minutes=45, seconds=5)
    )
    session = OfflineCheckoutSession.objects.get()
    assert abs((session.expires_at - order.hold_expires_at).total_seconds()) < 1


@pytest.mark.django_db
def test_an_expired_hold_is_released_lazily_when_the_product_page_reads_stock(
    client, alice, make_product
):
    product = make_product(sku="ONE", price="10.00", stock=1)
    order = order_place(items=[(variant_of(product).pk, 1)], retailer=alice, customer=CUSTOMER)
    assert "Out of stock" in client.get(f"/p/{product.slug}/", HTTP_HOST=ALICE_HOST).text
    _expire(order)
    page = client.get(f"/p/{product.slug}/", HTTP_HOST=ALICE_HOST).text
    assert "In stock" in page
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELED
    assert order.events.last().message == "Stock hold expired"


@pytest.mark.django_db
def test_holds_within_their_grace_are_kept(alice, candle, settings):
    order = order_place(items=[(variant_of(candle).pk, 1)], retailer=alice, customer=CUSTOMER)
    Order.objects.filter(pk=order.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=30))
    assert stock_holds_release_expired() == 0
    settings.STOCK_HOLD_GRACE_SECONDS = 10
    assert stock_holds_release_expired() == 1


@pytest.mark.django_db
def test_the_beat_task_releases_expired_holds_and_is_safe_to_run_twice(alice, candle):
    orders = [
        order_place(items=[(variant_of(candle).pk, 2)], retailer=alice, customer=CUSTOMER)
        for _ in range(2)
    ]
    candle.refresh_from_db()
    assert candle.stock == 6
    _expire(*orders)
    assert stock_holds_release_task() == 2
    assert stock_holds_release_task() == 0
    candle.refresh_from_db()
    assert candle.stock == 10


@pytest.mark.django_db
def test_paid_orders_never_lose_their_stock_to_expiry(
    alice, candle, django_capture_on_commit_callbacks
):
    order = order_place(items=[(variant_of(candle).pk, 2)], retailer=alice, customer=CUSTOMER)
    from orders.services import checkout_session_start

    with django_capture_on_commit_callbacks(execute=True):
        checkout_session_start(order=order)
        offline.offline_session_settle(session_id=order.checkout_session_id, pay=True)
    order.refresh_from_db()
    assert (order.status, order.hold_expires_at) == (Order.Status.PAID, None)
    assert stock_holds_release_expired(now=timezone.now() + timedelta(days=1)) == 0
    candle.refresh_from_db()
    assert candle.stock == 8


@pytest.mark.django_db
def test_a_payment_after_the_hold_was_released_is_flagged_for_staff(alice, candle):
    from orders.gateways import GatewaySession

    order = order_place(items=[(variant_of(candle).pk, 1)], retailer=alice, customer=CUSTOMER)
    _expire(order)
    stock_holds_release_expired()
    paid = GatewaySession(
        id="cs_x", url="", status="complete", payment_status="paid", amount_total=2794,
        currency="usd", payment_intent_id="pi_x",
    )  # fmt: skip
    order_payment_confirm(order_id=order.pk, session=paid, actor="gateway:evt")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELED
    assert order.events.filter(message__startswith="Paid after the order was canceled").count() == 1


@pytest.mark.django_db
def test_checking_the_same_cart_out_again_replaces_its_pending_order(
    client, alice, candle, django_capture_on_commit_callbacks
):
    cart_fill(client, {candle: 3})
    with django_capture_on_commit_callbacks(execute=True):
        first = checkout_post(client)
        second = checkout_post(client)
    assert first.status_code == second.status_code == 303
    old, new = Order.objects.order_by("pk")
    assert old.status == Order.Status.CANCELED
    assert old.events.last().message == "Replaced by a new checkout of the same cart"
    assert new.status == Order.Status.PENDING_PAYMENT
    candle.refresh_from_db()
    assert candle.stock == 7  # held once, not twice
    old_session = OfflineCheckoutSession.objects.get(session_id=old.checkout_session_id)
    assert old_session.status == "expired"  # the old payment page can no longer be paid
    assert Order.objects.filter(status=Order.Status.PENDING_PAYMENT).count() == 1


@pytest.mark.django_db
def test_an_expired_offline_session_cannot_be_paid(client, alice, candle):
    cart_fill(client, {candle: 1})
    checkout_post(client)
    order = Order.objects.get()
    OfflineCheckoutSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    session = offline.offline_session_settle(session_id=order.checkout_session_id, pay=True)
    assert (session.status, session.payment_status) == ("expired", "unpaid")


SHOPPERS = 12
UNITS = 4


@pytest.mark.django_db(transaction=True)
def test_shoppers_racing_for_the_last_units_with_holds_expiring_midway(
    transactional_db, alice, make_product
):
    """Round 1 holds every unit; those holds expire; round 2 races for the released
    units and pays. The end: exactly the stock sold, nothing held, nothing negative."""
    product = make_product(sku="LAST-4", price="10.00", stock=UNITS)

    def race(round_no: int) -> tuple[list[Order], list[str], list[BaseException]]:
        barrier = threading.Barrier(SHOPPERS)
        placed: list[Order] = []
        refused: list[str] = []
        errors: list[BaseException] = []
        lock = threading.Lock()

        def shopper(n: int) -> None:
            try:
                barrier.wait(timeout=30)
                order = order_place(
                    items=[(variant_of(product).pk, 1)],
                    retailer=alice,
                    customer=CustomerDetailsFactory(email=f"s{round_no}-{n}@example.com"),
                )
                with lock:
                    placed.append(order)
            except CheckoutError as exc:
                with lock:
                    refused.append(exc.code)
            except BaseException as exc:
                with lock:
                    errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=shopper, args=(n,)) for n in range(SHOPPERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        return placed, refused, errors

    first, refused, errors = race(1)
    assert errors == [] and len(first) == UNITS
    assert refused == [CheckoutError.Code.OUT_OF_STOCK] * (SHOPPERS - UNITS)
    # Halfway: every hold of round 1 expires; round 2 (placement reads stock) releases them.
    _expire(*first)
    second, refused, errors = race(2)
    assert errors == [] and len(second) == UNITS
    # Round 2's shoppers pay.
    for order in second:
        Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID, hold_expires_at=None)
    stock_holds_release_expired()
    product.refresh_from_db()
    assert product.stock == 0
    assert Order.objects.filter(status=Order.Status.PAID).count() == UNITS
    assert Order.objects.filter(status=Order.Status.CANCELED).count() == UNITS
    assert Order.objects.filter(status=Order.Status.PENDING_PAYMENT).count() == 0
    assert Product.objects.filter(stock__lt=0).count() == 0
    assert variant_of(product).stock == 0


def _pending_orders(retailer, product, count: int) -> list[Order]:
    item = (variant_of(product).pk, 1)
    return [order_place(items=[item], retailer=retailer, customer=CUSTOMER) for _ in range(count)]


@pytest.mark.django_db
def test_a_page_releases_only_a_few_holds_and_queues_the_task_for_the_rest(
    client, alice, make_product, settings, django_capture_on_commit_callbacks
):
    """Beat fell behind: the shopper's page does a bounded share of the work, and the
    rest is left to the task it queues."""
    settings.STOCK_HOLD_INLINE_RELEASE = 2
    product = make_product(sku="MANY", price="10.00", stock=7)
    shown = make_product(sku="SHOWN", price="12.00", stock=3)
    orders = _pending_orders(alice, product, 7)
    _expire(*orders)

    with django_capture_on_commit_callbacks() as queued:
        page = client.get(f"/p/{shown.slug}/", HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    # The two oldest were released in the request; five still hold their stock.
    canceled = Order.objects.filter(status=Order.Status.CANCELED)
    assert sorted(canceled.values_list("pk", flat=True)) == [o.pk for o in orders[:2]]
    assert queued.count(holds._release_task_queue) == 1
    # The task releases every other expired hold.
    assert stock_holds_release_task() == 5
    assert variant_of(product).stock == 7


@pytest.mark.django_db
def test_the_release_task_is_queued_once_a_while_and_never_run_inside_a_page(monkeypatch):
    sent = []
    monkeypatch.setattr(holds, "task_queue", sent.append)
    # Without a broker a queued task would run at once, in the shopper's request.
    holds._release_task_queue()
    assert sent == [] and caches[CACHE_ALIAS].get(RELEASE_QUEUED_KEY) is None
    # With one, the first page queues it; the next pages, a moment later, do not.
    monkeypatch.setattr(holds, "task_always_eager", lambda: False)
    holds._release_task_queue()
    holds._release_task_queue()
    assert sent == [holds.RELEASE_TASK]
    caches[CACHE_ALIAS].delete(RELEASE_QUEUED_KEY)  # RELEASE_QUEUED_SECONDS later
    holds._release_task_queue()
    assert sent == [holds.RELEASE_TASK] * 2


@pytest.mark.django_db
def test_adding_to_the_cart_releases_every_expired_hold_on_that_variant_first(
    client, alice, make_product, settings
):
    """A backlog of expired holds on other products comes first in the bounded release;
    the variant being added is released anyway, so the shopper is not told it is sold
    out."""
    settings.STOCK_HOLD_INLINE_RELEASE = 1
    other = make_product(sku="OLDER", price="5.00", stock=3)
    wanted = make_product(sku="WANTED", price="10.00", stock=2)
    backlog = _pending_orders(alice, other, 3) + _pending_orders(alice, wanted, 2)
    _expire(*backlog)

    response = client.post(
        "/cart/add/",
        {"product_id": wanted.pk, "quantity": 2},
        HTTP_HOST=ALICE_HOST,
    )
    errors = [line for line in response.content.decode().splitlines() if "error" in line]
    assert response.status_code == 302, errors
    cart = client.get("/cart/", HTTP_HOST=ALICE_HOST).text
    assert "WANTED" in cart or wanted.name in cart
    assert variant_of(wanted).stock == 2
    # Of the other product's holds, only the bounded share was released.
    still = Order.objects.filter(status=Order.Status.PENDING_PAYMENT)
    assert still.count() == 3 - 2  # one by the add, one by the cart page


@pytest.mark.django_db
def test_a_product_page_releases_every_expired_hold_on_that_product_first(
    client, alice, make_product, settings
):
    """Behind a backlog of expired holds on other products, the page of a product held
    only by expired holds says it is in stock, not sold out."""
    settings.STOCK_HOLD_INLINE_RELEASE = 1
    other = make_product(sku="OLDER", price="5.00", stock=3)
    wanted = make_product(sku="WANTED", price="10.00", stock=2)
    backlog = _pending_orders(alice, other, 3) + _pending_orders(alice, wanted, 2)
    _expire(*backlog)

    page = client.get(f"/p/{wanted.slug}/", HTTP_HOST=ALICE_HOST).text
    assert "In stock" in page and "Out of stock" not in page
    assert variant_of(wanted).stock == 2
    # Of the other product's holds, only the bounded share was released.
    assert Order.objects.filter(status=Order.Status.PENDING_PAYMENT).count() == 3 - 1


@pytest.mark.django_db
def test_placing_an_order_releases_the_expired_holds_on_what_it_buys_only(
    alice, candle, make_product
):
    other = make_product(sku="OTHER", price="5.00", stock=3)
    on_candle = order_place(items=[(variant_of(candle).pk, 10)], retailer=alice, customer=CUSTOMER)
    on_other = order_place(items=[(variant_of(other).pk, 1)], retailer=alice, customer=CUSTOMER)
    _expire(on_candle, on_other)

    # Every candle is held by an expired hold: placing releases it, then reserves.
    placed = order_place(items=[(variant_of(candle).pk, 1)], retailer=alice, customer=CUSTOMER)
    assert placed.status == Order.Status.PENDING_PAYMENT
    on_candle.refresh_from_db()
    on_other.refresh_from_db()
    assert on_candle.status == Order.Status.CANCELED
    assert on_other.status == Order.Status.PENDING_PAYMENT  # left to pages and beat


@pytest.mark.django_db
def test_the_beat_task_releases_every_expired_hold_past_one_batch(alice, make_product):
    product = make_product(sku="BATCH", price="10.00", stock=5)
    orders = _pending_orders(alice, product, 5)
    _expire(*orders)
    assert stock_holds_release_all(batch=2) == 5
    assert not Order.objects.filter(status=Order.Status.PENDING_PAYMENT).exists()


@pytest.mark.django_db
def test_changing_a_cart_quantity_releases_the_expired_holds_on_that_variant_first(
    client, alice, make_product
):
    wanted = make_product(sku="WANTED", price="10.00", stock=2)
    cart_fill(client, {wanted: 1})
    _expire(*_pending_orders(alice, wanted, 2))  # every unit held, by expired holds

    response = client.post(
        "/cart/update/", {"variant_id": variant_of(wanted).pk, "quantity": 2}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 302
    assert variant_of(wanted).stock == 2
    assert not Order.objects.filter(status=Order.Status.PENDING_PAYMENT).exists()
