"""Orders the retailer enters for a party guest, paid by the guest through the emailed link."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from orders.models import Order
from storefront.scenes.models import OrderAttribution
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.retailers.conftest import sign_in

from .conftest import PASSWORD
from .test_backoffice import post

pytestmark = pytest.mark.django_db

GUEST = {
    "name": "Dana Guest",
    "email": "dana@example.com",
    "ship_to": "guest",
    "ship_line1": "5 Oak Ave",
    "ship_city": "Austin",
    "ship_state": "TX",
    "ship_postal_code": "78702",
}


@pytest.fixture
def bo(client, owner):
    assert sign_in(client, owner, PASSWORD).status_code == 302
    return client


def test_an_order_entered_for_a_guest_is_paid_through_the_link_and_counts_for_the_scene(
    bo, scene, candle, mailoutbox, django_capture_on_commit_callbacks
):
    variant = variant_of(candle)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            bo,
            f"/backoffice/scenes/{scene.pk}/guest-orders/",
            {**GUEST, "variant_1": variant.pk, "quantity_1": "2"},
        )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.retailer == scene.retailer
    assert order.subtotal == Decimal("80.00")
    assert (order.full_name, order.ship_line1) == ("Dana Guest", "5 Oak Ave")
    assert OrderAttribution.objects.get(order=order).scene == scene
    assert order.hold_expires_at is not None
    [mail] = mailoutbox
    assert mail.to == ["dana@example.com"]
    assert mail.subject == f"Your order {order.number} from Candle Night: pay here"
    link = re.search(r"http://\S+/offline-gateway/pay/\S+/", mail.body).group(0)
    assert "Privacy Policy" in mail.body and mail.alternatives
    # The guest pays on the hosted page, with no account.
    guest = bo.__class__()
    pay_path = link.removeprefix(f"http://{COMPANY_HOST}")
    with django_capture_on_commit_callbacks(execute=True):
        paid = guest.post(pay_path + "submit/", {"decision": "pay"}, HTTP_HOST=COMPANY_HOST)
    assert paid.status_code == 303
    assert paid["Location"].startswith(f"http://{ALICE_HOST}/checkout/success/")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    scene.refresh_from_db()
    page = bo.get(f"/backoffice/scenes/{scene.pk}/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert order.number in page and "(name not shared)" in page  # the guest did not agree


def test_shipping_to_the_host_uses_the_hosts_address(bo, owner, candle):
    from storefront.scenes import services

    from .conftest import SCENE_FIELDS

    host_scene = services.scene_create(
        retailer=owner,
        **{
            **SCENE_FIELDS,
            "delivery": "host",
            "host_line1": "9 Host Rd",
            "host_city": "Austin",
            "host_state": "TX",
            "host_postal_code": "78703",
        },
    )
    post(
        bo,
        f"/backoffice/scenes/{host_scene.pk}/guest-orders/",
        {
            "name": "Eli",
            "email": "eli@example.com",
            "ship_to": "host",
            "variant_1": variant_of(candle).pk,
        },
    )
    order = Order.objects.get()
    assert (order.ship_line1, order.ship_postal_code) == ("9 Host Rd", "78703")


def test_a_guest_order_without_an_address_or_items_places_nothing(bo, scene, candle):
    no_address = {**GUEST, "ship_line1": "", "variant_1": variant_of(candle).pk}
    post(bo, f"/backoffice/scenes/{scene.pk}/guest-orders/", no_address)
    post(bo, f"/backoffice/scenes/{scene.pk}/guest-orders/", {**GUEST, "variant_1": ""})
    post(bo, f"/backoffice/scenes/{scene.pk}/guest-orders/", {**GUEST, "variant_1": "999999"})
    host_without_address = {**GUEST, "ship_to": "host", "variant_1": variant_of(candle).pk}
    post(bo, f"/backoffice/scenes/{scene.pk}/guest-orders/", host_without_address)
    assert Order.objects.count() == 0
    variant = variant_of(candle)
    assert variant.stock == 50


def test_another_retailer_cannot_enter_orders_on_alices_party(client, scene, bob, candle):
    from tests.earnings.conftest import with_login

    assert sign_in(client, with_login(bob, "bob_orders"), PASSWORD).status_code == 302
    response = post(
        client,
        f"/backoffice/scenes/{scene.pk}/guest-orders/",
        {**GUEST, "variant_1": variant_of(candle).pk},
    )
    assert response.status_code == 404
    assert Order.objects.count() == 0
