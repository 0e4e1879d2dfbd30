"""Scene and share landing pages are shared pages (the HTTP cache keeps them, tagged
with their scene and link: storefront/caching.py) and stay true: a scene edited or
closed, a link deleted and stock moving show at once."""

from __future__ import annotations

import pytest

from storefront.models import ProductVariant
from storefront.scenes import services
from storefront.scenes.models import Scene, ShareLink
from tests.conftest import ALICE_HOST

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("which", ["scene", "scene-product", "share-home", "share-product"])
def test_landing_pages_are_public_tagged_with_their_scene_and_set_no_cookie(
    client, owner, scene, candle, which
):
    if which.startswith("share"):
        target = "product" if which == "share-product" else "scene"
        link = services.share_link_create(
            retailer=owner,
            target=target,
            product=candle if target == "product" else None,
            scene=scene if target == "scene" else None,
        )
        path = f"/l/{link.code}/"
    else:
        path = f"/s/{scene.code}/" + (f"p/{candle.slug}/" if which == "scene-product" else "")
    response = client.get(path, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200 and not response.cookies
    assert "public" in response["Cache-Control"]
    keys = set(response["xkey"].split())
    assert "storefront-alice" in keys
    if which.startswith("share"):
        assert f"sharelink-{link.pk}" in keys
    else:
        assert f"scene-{scene.pk}" in keys


def test_an_edited_or_closed_scene_shows_at_once(client, scene, candle):
    path = f"/s/{scene.code}/"
    assert "Shopping Emma's Candle Night" in client.get(path, HTTP_HOST=ALICE_HOST).text
    services.scene_update(scene=scene, title="Cedar Evening")
    assert "Shopping Emma's Cedar Evening" in client.get(path, HTTP_HOST=ALICE_HOST).text
    services.scene_close(scene=Scene.objects.get(pk=scene.pk))
    closed = client.get(path, HTTP_HOST=ALICE_HOST).text
    assert "has closed. You can still shop here." in closed
    assert f'name="via" value="s:{scene.code}"' not in closed


def test_a_deleted_share_link_is_gone_at_once(client, owner, scene):
    link = services.share_link_create(retailer=owner, target="scene", scene=scene)
    path = f"/l/{link.code}/"
    assert client.get(path, HTTP_HOST=ALICE_HOST).status_code == 200
    ShareLink.objects.filter(pk=link.pk).delete()
    assert client.get(path, HTTP_HOST=ALICE_HOST).status_code == 404


def test_stock_on_a_scene_product_page_is_live(client, scene, candle):
    path = f"/s/{scene.code}/p/{candle.slug}/"
    assert "In stock" in client.get(path, HTTP_HOST=ALICE_HOST).text
    ProductVariant.objects.filter(product=candle).update(stock=0)
    assert "Out of stock" in client.get(path, HTTP_HOST=ALICE_HOST).text


def test_dnt_and_gpc_variants_are_never_mixed(client, scene, settings):
    settings.GA_MEASUREMENT_ID = "G-SCENE0001"
    tag = "googletagmanager.com/gtag/js"
    path = f"/s/{scene.code}/"
    for _ in range(2):  # the second pass is served from the cache
        assert tag in client.get(path, HTTP_HOST=ALICE_HOST).text
        for header in ({"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}):
            page = client.get(path, HTTP_HOST=ALICE_HOST, **header)
            assert tag not in page.text
            assert "googletagmanager" not in page["Content-Security-Policy"]
