"""Scenes and share links in the back office: rules, refusals, QR codes."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
import zxingcpp
from PIL import Image

from shopsocial.mail.models import OutboundEmail
from storefront.scenes.models import Scene, ShareLink
from tests.conftest import COMPANY_HOST
from tests.retailers.conftest import sign_in

from .conftest import PASSWORD, SCENE_FIELDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def bo(client, owner):
    assert sign_in(client, owner, PASSWORD).status_code == 302
    return client


def post(client, path, data):
    return client.post(path, data, HTTP_HOST=COMPANY_HOST, HTTP_ORIGIN=f"http://{COMPANY_HOST}")


def form(**overrides):
    data = {**SCENE_FIELDS, **overrides}
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def test_a_retailer_creates_a_scene_and_the_host_is_emailed(bo, owner):
    response = post(bo, "/backoffice/scenes/", form())
    assert response.status_code == 302
    scene = Scene.objects.get()
    assert (scene.retailer, scene.title, scene.status) == (owner, "Candle Night", "open")
    assert len(scene.code) == 8
    (email,) = OutboundEmail.objects.filter(dedupe_key=f"scene:{scene.pk}:invite")
    assert email.to == "emma@example.com"
    assert f"/s/{scene.code}/host/" in email.context["host_url"]
    page = bo.get(f"/backoffice/scenes/{scene.pk}/", HTTP_HOST=COMPANY_HOST)
    assert f"/s/{scene.code}/" in page.text and "qr.png" in page.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closes_on": date.today() - timedelta(days=1)}, "cannot close before"),
        ({"host_email": ""}, "This field is required"),
        ({"delivery": "host"}, "needs the host&#x27;s full address"),
    ],
)
def test_bad_scenes_are_refused_with_a_message_and_nothing_changes(bo, overrides, message):
    response = post(bo, "/backoffice/scenes/", form(**overrides))
    assert response.status_code == 400
    assert message in response.text
    assert Scene.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_a_scene_code_cannot_be_edited_by_hand(bo, scene):
    code = scene.code
    post(bo, f"/backoffice/scenes/{scene.pk}/", form(title="Renamed", code="HACKED12"))
    scene.refresh_from_db()
    assert (scene.title, scene.code) == ("Renamed", code)


def test_another_retailers_scene_is_a_404_in_the_back_office(bo, bob_scene):
    for path in ("", "qr.png", "qr.svg"):
        url = f"/backoffice/scenes/{bob_scene.pk}/{path}"
        assert bo.get(url, HTTP_HOST=COMPANY_HOST).status_code == 404
    assert post(bo, f"/backoffice/scenes/{bob_scene.pk}/close/", {}).status_code == 404
    assert Scene.objects.get(pk=bob_scene.pk).status == "open"


def test_another_retailers_share_link_qr_is_a_404(bo, bob):
    from storefront.scenes.services import share_link_create

    link = share_link_create(retailer=bob, target="storefront")
    assert bo.get(f"/backoffice/share/{link.pk}/qr.png", HTTP_HOST=COMPANY_HOST).status_code == 404


def test_the_qr_code_decodes_to_the_scene_link(bo, scene):
    png = bo.get(f"/backoffice/scenes/{scene.pk}/qr.png", HTTP_HOST=COMPANY_HOST)
    assert png["Content-Type"] == "image/png"
    (decoded,) = zxingcpp.read_barcodes(Image.open(BytesIO(png.content)))
    assert decoded.text == f"http://alice.shop.test/s/{scene.code}/"
    svg = bo.get(f"/backoffice/scenes/{scene.pk}/qr.svg", HTTP_HOST=COMPANY_HOST)
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert (
        bo.get(f"/backoffice/scenes/{scene.pk}/qr.gif", HTTP_HOST=COMPANY_HOST).status_code == 404
    )


def test_share_links_for_storefront_product_and_scene(bo, owner, scene, candle, client):
    assert post(bo, "/backoffice/share/", {"target": "storefront"}).status_code == 302
    assert (
        post(bo, "/backoffice/share/", {"target": "product", "product": candle.pk}).status_code
        == 302
    )
    assert post(bo, "/backoffice/share/", {"target": "scene", "scene": scene.pk}).status_code == 302
    refused = post(bo, "/backoffice/share/", {"target": "product"})
    assert refused.status_code == 400 and "Choose the product to share." in refused.text
    assert ShareLink.objects.filter(retailer=owner).count() == 3

    product_link = ShareLink.objects.get(target="product")
    landing = client.get(f"/l/{product_link.code}/", HTTP_HOST="alice.shop.test")
    assert landing.status_code == 200 and "Cedar Candle" in landing.text
    assert f'name="via" value="l:{product_link.code}"' in landing.text
    assert "Set-Cookie" not in landing.headers
    scene_link = ShareLink.objects.get(target="scene")
    page = client.get(f"/l/{scene_link.code}/", HTTP_HOST="alice.shop.test")
    assert "<strong>Shopping Emma's Candle Night</strong>" in page.text
    assert client.get(f"/l/{scene_link.code}/", HTTP_HOST="bob.shop.test").status_code == 404

    (decoded,) = zxingcpp.read_barcodes(
        Image.open(
            BytesIO(
                bo.get(
                    f"/backoffice/share/{product_link.pk}/qr.png", HTTP_HOST=COMPANY_HOST
                ).content
            )
        )
    )
    assert decoded.text == f"http://alice.shop.test/l/{product_link.code}/"
