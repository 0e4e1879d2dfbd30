"""The half-price reward tier: the host picks N items at half price, host only, once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders.models import Order
from storefront.scenes import services
from storefront.scenes.models import HostHalfPriceRedemption, RewardTier
from storefront.scenes.services import host_token
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.retailers.conftest import sign_in

from .conftest import PASSWORD
from .test_backoffice import post
from .test_guest_orders import GUEST

pytestmark = pytest.mark.django_db


def _pay(client, order, capture):
    with capture(execute=True):
        client.post(
            f"/offline-gateway/pay/{order.checkout_session_id}/submit/",
            {"decision": "pay"},
            HTTP_HOST=COMPANY_HOST,
        )


@pytest.fixture
def closed_at_240(client, owner, scene, candle, django_capture_on_commit_callbacks):
    """Candle Night sold $240 (6 candles for Dana), then closed: the $200 tier."""
    assert RewardTier.objects.get(min_sales=Decimal("200.00")).half_price_items == 1
    assert sign_in(client, owner, PASSWORD).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            f"/backoffice/scenes/{scene.pk}/guest-orders/",
            {**GUEST, "variant_1": variant_of(candle).pk, "quantity_1": "6"},
        )
    _pay(client, Order.objects.get(), django_capture_on_commit_callbacks)
    services.scene_close(scene=scene)
    scene.refresh_from_db()
    return scene


def test_the_host_buys_one_item_at_half_price_exactly_once(
    client, closed_at_240, candle, django_capture_on_commit_callbacks
):
    scene = closed_at_240
    host = f"/s/{scene.code}/host/{host_token(scene)}/"
    page = client.get(host, HTTP_HOST=ALICE_HOST).content.decode()
    assert "earned <strong>1</strong> item at half price" in page
    assert client.get(host + "half-price/", HTTP_HOST=ALICE_HOST).status_code == 200
    data = {
        "variant_1": variant_of(candle).pk,
        "ship_line1": "9 Host Rd",
        "ship_city": "Austin",
        "ship_state": "TX",
        "ship_postal_code": "78703",
    }
    response = client.post(host + "half-price/", data, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 303
    assert "/offline-gateway/pay/" in response["Location"]
    order = HostHalfPriceRedemption.objects.get(scene=scene).order
    assert (order.subtotal, order.discount) == (Decimal("40.00"), Decimal("20.00"))
    assert order.discount_code == "HOST-HALF-PRICE"
    assert (order.email, order.ship_line1) == ("emma@example.com", "9 Host Rd")
    _pay(client, order, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    # Once: the offer is gone and a second pick places nothing.
    assert "half price" not in client.get(host, HTTP_HOST=ALICE_HOST).content.decode()
    again = client.post(host + "half-price/", data, HTTP_HOST=ALICE_HOST)
    assert again.status_code == 200
    assert "There are no half-price items" in again.content.decode()
    assert Order.objects.count() == 2


def test_an_unpaid_pick_that_was_canceled_can_be_made_again(client, closed_at_240, candle):
    from orders.services import order_payment_cancel

    scene = closed_at_240
    host = f"/s/{scene.code}/host/{host_token(scene)}/"
    data = {
        "variant_1": variant_of(candle).pk,
        "ship_line1": "9 Host Rd",
        "ship_city": "Austin",
        "ship_state": "TX",
        "ship_postal_code": "78703",
    }
    client.post(host + "half-price/", data, HTTP_HOST=ALICE_HOST)
    first = HostHalfPriceRedemption.objects.get().order
    order_payment_cancel(order_id=first.pk, actor="test", reason="abandoned")
    assert client.post(host + "half-price/", data, HTTP_HOST=ALICE_HOST).status_code == 303
    assert HostHalfPriceRedemption.objects.get().order != first


def test_no_half_price_while_the_party_is_open_or_below_the_tier(client, scene, candle):
    host = f"/s/{scene.code}/host/{host_token(scene)}/"
    response = client.post(
        host + "half-price/", {"variant_1": variant_of(candle).pk}, HTTP_HOST=ALICE_HOST
    )
    assert "There are no half-price items" in response.content.decode()
    services.scene_close(scene=scene)  # $0 in sales: no tier
    response = client.post(
        host + "half-price/", {"variant_1": variant_of(candle).pk}, HTTP_HOST=ALICE_HOST
    )
    assert "There are no half-price items" in response.content.decode()
    assert Order.objects.count() == 0


def test_only_the_host_can_pick(client, closed_at_240, candle):
    scene = closed_at_240
    response = client.post(
        f"/s/{scene.code}/host/forged/half-price/",
        {"variant_1": variant_of(candle).pk},
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 404
    assert HostHalfPriceRedemption.objects.count() == 0
