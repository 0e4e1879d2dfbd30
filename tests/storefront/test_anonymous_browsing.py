"""Anyone can browse without a cookie; the first cookie comes with the first act."""

import pytest

from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def browsable(alice, company, make_product, category):
    return make_product("Vanilla Candle", description="Warm vanilla.")


@pytest.mark.parametrize(
    ("host", "path"),
    [
        (ALICE_HOST, "/"),
        (ALICE_HOST, "/c/candles/"),
        (ALICE_HOST, "/c/candles/?sort=price_desc&page=2"),
        (ALICE_HOST, "/p/{slug}/"),
        (ALICE_HOST, "/search/?q=vanilla"),
        (ALICE_HOST, "/privacy/"),
        (ALICE_HOST, "/cart/"),
        (COMPANY_HOST, "/"),
        (COMPANY_HOST, "/find-a-retailer/?q=austin"),
        (COMPANY_HOST, "/privacy/"),
    ],
)
def test_anonymous_get_pages_set_no_cookie(client, browsable, host, path):
    response = client.get(path.format(slug=browsable.slug), HTTP_HOST=host)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies


def test_not_found_pages_set_no_cookie(client, browsable):
    response = client.get("/p/no-such-product/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 404
    assert not response.cookies


def test_first_cookie_appears_on_add_to_cart(client, browsable):
    response = client.post(
        "/cart/add/", {"product_id": browsable.pk, "quantity": "1"}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 302
    assert "sessionid" in response.cookies


def test_storefront_pages_load_no_third_party_assets(client, browsable):
    import re

    for path in ("/", "/c/candles/", f"/p/{browsable.slug}/", "/search/?q=candle", "/cart/"):
        html = client.get(path, HTTP_HOST=ALICE_HOST).text
        # Nothing is loaded from another origin: scripts, images, stylesheets, icons.
        assets = re.findall(r'\ssrc="([^"]+)"', html) + re.findall(
            r'<link(?![^>]*rel="canonical")[^>]*href="([^"]+)"',
            html,  # canonical: not loaded
        )
        assert [a for a in assets if a.startswith(("http:", "https:", "//"))] == []
        # Links that leave the storefront: our company site, or the plain share links
        # (scenes' share buttons: a link followed only when the shopper clicks it).
        anchors = re.findall(r'<a[^>]*href="([^"]+)"', html)
        external = [a for a in anchors if a.startswith(("http:", "https:", "//"))]
        allowed = (
            "http://www.shop.test",
            "https://www.facebook.com/sharer/",
            "https://twitter.com/intent/tweet",
            "https://pinterest.com/pin/create/",
        )
        assert all(a.startswith(allowed) for a in external), external
