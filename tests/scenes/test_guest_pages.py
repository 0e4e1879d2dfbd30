"""Guests on a scene link: banner, no cookie until they act, 404 across storefronts."""

from __future__ import annotations

import pytest

from storefront.cart import Cart
from storefront.scenes.models import Scene
from tests.conftest import ALICE_HOST, BOB_HOST

pytestmark = pytest.mark.django_db

SIGNALS = [{}, {"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}]


@pytest.mark.parametrize("signals", SIGNALS)
def test_the_scene_link_shows_the_banner_and_sets_no_cookie(client, scene, candle, signals):
    response = client.get(f"/s/{scene.code}/", HTTP_HOST=ALICE_HOST, **signals)

    assert response.status_code == 200
    assert "<strong>Shopping Emma's Candle Night</strong>" in response.text
    assert f'href="/s/{scene.code}/p/' in response.text or "Bestsellers" in response.text
    assert "Set-Cookie" not in response.headers
    product = client.get(f"/s/{scene.code}/p/{candle.slug}/", HTTP_HOST=ALICE_HOST, **signals)
    assert product.status_code == 200 and "Set-Cookie" not in product.headers
    assert f'name="via" value="s:{scene.code}"' in product.text


@pytest.mark.parametrize("signals", SIGNALS)
def test_the_scene_joins_the_cart_only_when_the_guest_adds(client, scene, candle, signals):
    response = client.post(
        "/cart/add/",
        {"product_id": candle.pk, "quantity": 2, "via": f"s:{scene.code}"},
        HTTP_HOST=ALICE_HOST,
        HTTP_ORIGIN=f"http://{ALICE_HOST}",
        **signals,
    )
    assert response.status_code == 302
    assert "sessionid" in response.cookies
    cart_page = client.get("/cart/", HTTP_HOST=ALICE_HOST)
    assert "<strong>Shopping Emma's Candle Night</strong>" in cart_page.text
    session = client.session
    assert session[f"cart:{scene.retailer.schema_name}:via"] == {"scene": scene.code}


def test_a_closed_or_unknown_scene_shows_the_storefront_with_a_notice(client, scene):
    Scene.objects.filter(pk=scene.pk).update(status="closed")
    closed = client.get(f"/s/{scene.code}/", HTTP_HOST=ALICE_HOST)
    assert closed.status_code == 200
    assert "has closed. You can still shop here." in closed.text
    assert "Shopping Emma" not in closed.text
    unknown = client.get("/s/ZZZZZZZZ/", HTTP_HOST=ALICE_HOST)
    assert unknown.status_code == 200
    assert "We couldn&#x27;t find that scene" in unknown.text


def test_another_retailers_scene_code_answers_like_an_unknown_one(client, bob_scene):
    # issue 30 item 11: the answer does not tell that the code exists elsewhere.
    elsewhere = client.get(f"/s/{bob_scene.code}/", HTTP_HOST=ALICE_HOST)
    unknown = client.get("/s/ZZZZZZZZ/", HTTP_HOST=ALICE_HOST)
    assert elsewhere.status_code == unknown.status_code == 200
    assert elsewhere.content.replace(bob_scene.code.encode(), b"C") == unknown.content.replace(
        b"ZZZZZZZZ", b"C"
    )
    assert bob_scene.title not in elsewhere.text
    assert client.get(f"/s/{bob_scene.code}/", HTTP_HOST=BOB_HOST).status_code == 200


def test_a_forged_via_value_attaches_nothing(client, scene, bob_scene, candle):
    client.post(
        "/cart/add/",
        {"product_id": candle.pk, "quantity": 1, "via": f"s:{bob_scene.code},l:NOPE1234"},
        HTTP_HOST=ALICE_HOST,
        HTTP_ORIGIN=f"http://{ALICE_HOST}",
    )
    assert f"cart:{scene.retailer.schema_name}:via" not in client.session
    assert Cart  # the cart module is what stores it


def test_product_and_scene_pages_carry_open_graph_tags(client, scene, candle):
    page = client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST).text
    assert '<meta property="og:title" content="Cedar Candle">' in page
    assert '<meta name="twitter:card"' in page
    assert "https://www.facebook.com/sharer/sharer.php?u=" in page
    import re

    # Share buttons are plain links: every script on the page is our own.
    assert all(src.startswith("/static/") for src in re.findall(r'<script[^>]*src="([^"]+)"', page))
    assert "<script>" not in page
    landing = client.get(f"/s/{scene.code}/", HTTP_HOST=ALICE_HOST).text
    assert '<meta property="og:title" content="Shopping Emma&#x27;s Candle Night">' in landing
