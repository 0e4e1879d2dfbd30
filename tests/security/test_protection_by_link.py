# ruff: noqa: F811  (fixtures imported from tests/earnings/conftest.py)
"""Customer protection from the order's own confirmation link (issue 30 item 4).

A guest order's typed address alone never protects. Opening the order's emailed status
link (a GET, as a mail scanner would) proves nothing; pressing Confirm there (a POST)
records the proof, and protection then attaches for the retailer the order credited.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from orders.accounts.models import OrderEmailProof
from orders.accounts.selectors import order_status_path
from retailers.earnings.models import CommissionEntry, CustomerProtection
from tests.conftest import ALICE_HOST
from tests.earnings.conftest import candles, order_pending, paid_order, plan, product  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_guest_order_is_protected_only_after_its_link_is_confirmed(
    client, plan, alice, bob, candles
):
    order = paid_order(alice, [(product(candles, "10.00"), 1)], email="Prospect@Example.com")
    assert not CustomerProtection.objects.exists()
    path = order_status_path(order=order)

    shown = client.get(path, HTTP_HOST=ALICE_HOST)
    assert shown.status_code == 200 and "Confirm my email address" in shown.text
    assert not OrderEmailProof.objects.exists() and not CustomerProtection.objects.exists()

    confirmed = client.post(path, HTTP_HOST=ALICE_HOST)
    assert confirmed.status_code == 200
    assert "your email address is confirmed for this order" in confirmed.text
    proof = OrderEmailProof.objects.get(order=order)
    assert proof.email == "prospect@example.com"
    protection = CustomerProtection.objects.get(customer_key="email:prospect@example.com")
    assert protection.retailer == alice
    # The proved address now keeps the customer with alice on another storefront.
    later = paid_order(bob, [(product(candles, "100.00"), 1)], email="prospect@example.com")
    assert CommissionEntry.objects.get(order=later).retailer == alice
    # Pressing again changes nothing and no longer offers the button.
    again = client.post(path, HTTP_HOST=ALICE_HOST)
    assert "Confirm my email address" not in again.text
    assert CustomerProtection.objects.count() == 1


def test_a_confirmed_unpaid_order_protects_once_paid(client, plan, alice, candles):
    from tests.earnings.conftest import pay

    order = order_pending(alice, [(product(candles, "10.00"), 1)], email="later@example.com")
    client.post(order_status_path(order=order), HTTP_HOST=ALICE_HOST)
    assert not CustomerProtection.objects.exists()
    pay(order)
    assert CustomerProtection.objects.filter(customer_key="email:later@example.com").exists()


def test_a_wrong_token_proves_nothing(client, plan, alice, candles):
    order = paid_order(alice, [(product(candles, "10.00"), 1)], email="nobody@example.com")
    bad = order_status_path(order=order)[:-3] + "xx/"
    assert client.post(bad, HTTP_HOST=ALICE_HOST).status_code == 404
    assert not OrderEmailProof.objects.exists()


def test_the_data_migration_drops_only_protections_from_typed_guest_emails(plan, alice, candles):
    """earnings 0007: email protections whose first order is a guest order without a
    link proof go; account protections, proved ones and reassigned ones stay."""
    from django.utils import timezone

    typed = paid_order(alice, [(product(candles, "10.00"), 1)], email="typed@example.com")
    proved = paid_order(alice, [(product(candles, "10.00"), 1)], email="proved@example.com")
    OrderEmailProof.objects.create(
        order=proved, email="proved@example.com", proved_at=timezone.now()
    )
    now = timezone.now()
    for key, order in (
        ("email:typed@example.com", typed),
        ("email:proved@example.com", proved),
        ("user:999999", typed),
    ):
        CustomerProtection.objects.create(
            customer_key=key,
            retailer=alice,
            first_order=order,
            last_order_at=now,
            started_at=now,
            expires_at=now + timezone.timedelta(days=30),
        )
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(("earnings", "0010_drop_typed_guest_email_protections"))
    module = executor.loader.get_migration("earnings", "0010_drop_typed_guest_email_protections")
    from importlib import import_module

    import_module(module.__module__).forwards(state.apps, None)
    assert set(CustomerProtection.objects.values_list("customer_key", flat=True)) == {
        "email:proved@example.com",
        "user:999999",
    }
