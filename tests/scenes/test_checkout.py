"""Guests check out through a scene: the order carries the scene; host delivery hides the address."""

from __future__ import annotations

import pytest

from orders.models import Order
from storefront.scenes.models import OrderAttribution, Scene
from storefront.scenes.services import share_link_create
from tests.conftest import ALICE_HOST

pytestmark = pytest.mark.django_db

GUEST = {
    "email": "gail@example.com",
    "full_name": "Gail Guest",
    "phone": "",
    "ship_line1": "9 Guest Rd",
    "ship_city": "Austin",
    "ship_state": "TX",
    "ship_postal_code": "78701",
    "billing_same_as_shipping": "on",
    "shipping_method": "standard",
}
ORIGIN = {"HTTP_HOST": ALICE_HOST, "HTTP_ORIGIN": f"http://{ALICE_HOST}"}


def add_through(client, candle, via: str) -> None:
    response = client.post(
        "/cart/add/", {"product_id": candle.pk, "quantity": 1, "via": via}, **ORIGIN
    )
    assert response.status_code == 302


def test_an_order_placed_through_a_scene_carries_it_and_the_consent(client, scene, candle):
    add_through(client, candle, f"s:{scene.code}")
    page = client.get("/checkout/", HTTP_HOST=ALICE_HOST)
    assert 'name="show_first_name_to_host"' in page.text
    assert "checked" not in page.text.split('id="show-first-name"')[1][:20]  # off by default

    response = client.post("/checkout/", {**GUEST, "show_first_name_to_host": "on"}, **ORIGIN)
    assert response.status_code == 303, response.content[:1500]
    order = Order.objects.get(email="gail@example.com")
    attribution = OrderAttribution.objects.get(order=order)
    assert (attribution.scene, attribution.share_link, attribution.show_first_name_to_host) == (
        scene,
        None,
        True,
    )
    assert order.ship_line1 == "9 Guest Rd"


def test_host_delivery_ships_to_the_host_without_showing_the_address(client, scene, candle):
    Scene.objects.filter(pk=scene.pk).update(
        delivery="host",
        host_line1="5 Host Lane",
        host_city="Irvine",
        host_state="CA",
        host_postal_code="92618",
    )
    add_through(client, candle, f"s:{scene.code}")
    page = client.get("/checkout/", HTTP_HOST=ALICE_HOST)
    assert "ships together with the other guests' to Emma" in page.text
    assert "5 Host Lane" not in page.text and "Irvine" not in page.text

    guest = {
        **GUEST,
        "ship_line1": "typed by guest",
        "billing_same_as_shipping": "",
        "bill_line1": "9 Guest Rd",
        "bill_city": "Austin",
        "bill_state": "TX",
        "bill_postal_code": "78701",
    }
    response = client.post("/checkout/", guest, **ORIGIN)
    assert response.status_code == 303, response.content[:1500]
    order = Order.objects.get(email="gail@example.com")
    assert (order.ship_line1, order.ship_city, order.ship_state) == ("5 Host Lane", "Irvine", "CA")
    assert order.bill_line1 == "9 Guest Rd" and not order.billing_same_as_shipping
    assert OrderAttribution.objects.get(order=order).scene == scene


def test_a_share_link_order_counts_for_the_link(client, owner, candle):
    link = share_link_create(retailer=owner, target="product", product=candle)
    add_through(client, candle, f"l:{link.code}")
    assert client.post("/checkout/", GUEST, **ORIGIN).status_code == 303
    order = Order.objects.get(email="gail@example.com")
    attribution = OrderAttribution.objects.get(order=order)
    assert (attribution.share_link, attribution.scene) == (link, None)


def test_an_order_without_scene_or_link_has_no_attribution(client, candle):
    client.post("/cart/add/", {"product_id": candle.pk, "quantity": 1}, **ORIGIN)
    assert client.post("/checkout/", GUEST, **ORIGIN).status_code == 303
    assert not OrderAttribution.objects.exists()
