"""Twenty shoppers race for the last five units: exactly five orders reserve stock."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from orders.models import Order, OrderLine
from orders.services import CheckoutError, order_place
from storefront.models import Product
from tests.catalog import variant_of
from tests.factories import CustomerDetailsFactory

SHOPPERS = 20
UNITS = 5


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_checkouts_for_five_units(transactional_db, alice, make_product):
    product = make_product(sku="LAST-5", price="10.00", stock=UNITS)
    barrier = threading.Barrier(SHOPPERS)
    placed: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def shopper(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            order = order_place(
                items=[(variant_of(product).pk, 1)],
                retailer=alice,
                customer=CustomerDetailsFactory(
                    email=f"shopper{n}@example.com", full_name=f"Shopper {n}"
                ),
            )
            with lock:
                placed.append(order.number)
        except CheckoutError as exc:
            with lock:
                refused.append(exc.code)
        except BaseException as exc:  # surfaced below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=shopper, args=(n,)) for n in range(SHOPPERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert len(placed) == UNITS
    assert refused == [CheckoutError.Code.OUT_OF_STOCK] * (SHOPPERS - UNITS)
    product.refresh_from_db()
    assert product.stock == 0
    assert Order.objects.count() == UNITS
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == UNITS
    assert Product.objects.filter(stock__lt=0).count() == 0
