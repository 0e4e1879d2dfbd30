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
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        external = [s for s in sources if s.startswith(("http:", "https:", "//"))]
        # Only links to our own company site leave the storefront.
        assert all(s.startswith("http://www.shop.test") for s in external), external
