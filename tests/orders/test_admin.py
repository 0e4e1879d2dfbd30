"""Staff admin for orders: search, filters, contact data by permission, ship and refund actions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from orders.gateways import gateway_get
from orders.gateways.offline import offline_session_settle
from orders.models import Order, OrderEvent
from orders.services import order_place
from orders.services.checkout import checkout_session_start
from orders.services.payment import order_payment_confirm
from shopsocial.mail.models import OutboundEmail
from tests.catalog import variant_of
from tests.conftest import COMPANY_HOST
from tests.factories import CustomerDetailsFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/orders/order/"


def _staff(*codenames: str):
    user = get_user_model().objects.create_user(
        username=f"staff-{len(codenames)}", password="x", is_staff=True
    )
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def clerk(db):
    return _staff("view_order", "change_order")


@pytest.fixture
def cashier(db):
    # Refunds need orders.refund_order (the Finance role), not change_order.
    return _staff("view_order", "refund_order")


@pytest.fixture
def manager(db):
    return _staff("view_order", "change_order", "view_customer_contact")


@pytest.fixture
def paid_order(alice, candle, monkeypatch) -> Order:
    from orders.gateways import offline

    monkeypatch.setattr(offline, "offline_event_deliver", lambda *, event: None)
    order = order_place(
        items=[(variant_of(candle).pk, 1)],
        retailer=alice,
        customer=CustomerDetailsFactory(
            email="buyer@example.com",
            full_name="Bea Buyer",
            phone="555-777-8888",
            ship_line1="5 Oak Ave",
        ),
    )
    checkout_session_start(order=order)
    offline_session_settle(session_id=order.checkout_session_id, pay=True)
    session = gateway_get().checkout_session_retrieve(order.checkout_session_id)
    return order_payment_confirm(order_id=order.pk, session=session, actor="test")


def test_staff_find_an_order_by_number(client, clerk, paid_order):
    client.force_login(clerk)
    response = client.get(CHANGELIST, {"q": paid_order.number}, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert paid_order.number in response.content.decode()
    response = client.get(CHANGELIST, {"q": "SS-NONE-NONE"}, HTTP_HOST=COMPANY_HOST)
    assert paid_order.number not in response.content.decode()


def test_email_search_only_for_staff_who_may_see_contact_data(client, clerk, manager, paid_order):
    client.force_login(manager)
    html = client.get(CHANGELIST, {"q": "buyer@example.com"}, HTTP_HOST=COMPANY_HOST).content
    assert paid_order.number in html.decode()
    client.force_login(clerk)
    html = client.get(CHANGELIST, {"q": "buyer@example.com"}, HTTP_HOST=COMPANY_HOST).content
    assert paid_order.number not in html.decode()


def test_filters_by_status_and_retailer(client, clerk, paid_order, alice, bob):
    client.force_login(clerk)
    html = client.get(CHANGELIST, {"status__exact": "paid"}, HTTP_HOST=COMPANY_HOST).content
    assert paid_order.number in html.decode()
    html = client.get(CHANGELIST, {"status__exact": "shipped"}, HTTP_HOST=COMPANY_HOST).content
    assert paid_order.number not in html.decode()
    html = client.get(CHANGELIST, {"retailer__id__exact": bob.pk}, HTTP_HOST=COMPANY_HOST).content
    assert paid_order.number not in html.decode()


def test_contact_data_only_with_the_permission(client, clerk, manager, paid_order):
    url = f"{CHANGELIST}{paid_order.pk}/change/"
    client.force_login(clerk)
    html = client.get(url, HTTP_HOST=COMPANY_HOST).content.decode()
    assert paid_order.number in html
    assert "Product CANDLE-1" in html  # lines inline
    assert "Payment received" in html  # events inline
    for secret in ("buyer@example.com", "Bea Buyer", "555-777-8888", "5 Oak Ave"):
        assert secret not in html
    client.force_login(manager)
    html = client.get(url, HTTP_HOST=COMPANY_HOST).content.decode()
    for shown in ("buyer@example.com", "Bea Buyer", "555-777-8888", "5 Oak Ave"):
        assert shown in html


def test_mark_shipped_asks_for_carrier_and_tracking_then_emails(
    client, clerk, paid_order, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(clerk)
    ask = client.post(
        CHANGELIST,
        {"action": "mark_shipped", "_selected_action": [paid_order.pk]},
        HTTP_HOST=COMPANY_HOST,
    )
    assert ask.status_code == 200
    assert "Tracking number" in ask.content.decode()
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.PAID

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            CHANGELIST,
            {
                "action": "mark_shipped",
                "_selected_action": [paid_order.pk],
                "apply": "1",
                "carrier": "USPS",
                "tracking_number": "9400100000000000000000",
            },
            HTTP_HOST=COMPANY_HOST,
        )
    assert done.status_code == 302
    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.carrier, paid_order.tracking_number) == (
        "shipped",
        "USPS",
        "9400100000000000000000",
    )
    event = OrderEvent.objects.filter(order=paid_order).last()
    assert event.actor == f"staff:{clerk.pk}"
    assert [m.subject for m in mailoutbox] == [f"Your order {paid_order.number} has shipped"]


def test_mark_shipped_without_tracking_changes_nothing(client, clerk, paid_order):
    client.force_login(clerk)
    response = client.post(
        CHANGELIST,
        {
            "action": "mark_shipped",
            "_selected_action": [paid_order.pk],
            "apply": "1",
            "carrier": "UPS",
        },
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.PAID
    assert paid_order.carrier == ""


def test_refund_action_partial_then_full(
    client, cashier, paid_order, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(cashier)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGELIST,
            {
                "action": "refund",
                "_selected_action": [paid_order.pk],
                "apply": "1",
                "amount": "7.95",
            },
            HTTP_HOST=COMPANY_HOST,
        )
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.PARTIALLY_REFUNDED
    assert paid_order.refunded_amount == Decimal("7.95")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGELIST,
            {"action": "refund", "_selected_action": [paid_order.pk], "apply": "1", "amount": ""},
            HTTP_HOST=COMPANY_HOST,
        )
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.REFUNDED
    assert paid_order.refunded_amount == Decimal("27.94")
    assert OutboundEmail.objects.filter(template="order_refunded").count() == 2


def test_refund_of_an_unpaid_order_is_refused(client, cashier, alice, candle):
    order = order_place(
        items=[(variant_of(candle).pk, 1)],
        retailer=alice,
        customer=CustomerDetailsFactory(),
    )
    client.force_login(cashier)
    response = client.post(
        CHANGELIST,
        {"action": "refund", "_selected_action": [order.pk], "apply": "1", "amount": ""},
        HTTP_HOST=COMPANY_HOST,
        follow=True,
    )
    assert "nothing to refund" in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("pending_payment", Decimal("0.00"))
