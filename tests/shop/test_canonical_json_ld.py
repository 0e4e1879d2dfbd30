"""Canonical links and product JSON-LD (#28): storefronts never compete with each other."""

import json
import re

import pytest

from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _canonicals(response) -> list[str]:
    return CANONICAL.findall(response.text)


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST, BOB_HOST])
def test_a_product_page_is_canonical_to_the_company_sites_product_url(
    client, alice, bob, company, make_product, host
):
    product = make_product("Cedar candle")
    response = client.get(f"/p/{product.slug}/?utm_source=share", HTTP_HOST=host)
    assert response.status_code == 200
    assert _canonicals(response) == [f"http://{COMPANY_HOST}/p/{product.slug}/"]


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_other_pages_are_canonical_to_themselves_without_the_query_string(
    client, alice, company, make_product, category, host
):
    make_product("Cedar candle")
    for path, query in [("/", "?ref=x"), (f"/c/{category.slug}/", "?sort=price&page=1")]:
        response = client.get(path + query, HTTP_HOST=host)
        assert response.status_code == 200
        assert _canonicals(response) == [f"http://{host}{path}"]


def test_product_json_ld_names_the_product_its_picture_sku_and_offer(client, alice, make_product):
    product = make_product("Cedar candle", price="18.50", stock=3)
    response = client.get(f"/p/{product.slug}/", HTTP_HOST=ALICE_HOST)
    [raw] = JSON_LD.findall(response.text)
    data = json.loads(raw)
    variant = product.variants.get()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Product"
    assert data["name"] == "Cedar candle"
    assert data["sku"] == variant.sku
    assert data["url"] == f"http://{COMPANY_HOST}/p/{product.slug}/"
    # The same on every host (it is kept once per product): the company site's address.
    assert data["image"] == [f"http://{COMPANY_HOST}{product.images.first().image.url}"]
    assert data["offers"] == {
        "@type": "Offer",
        "price": "18.50",
        "priceCurrency": "USD",
        "availability": "https://schema.org/InStock",
    }


def test_an_out_of_stock_product_says_so_in_its_json_ld(client, alice, make_product):
    product = make_product("Cedar candle", stock=0)
    response = client.get(f"/p/{product.slug}/", HTTP_HOST=ALICE_HOST)
    [raw] = JSON_LD.findall(response.text)
    assert json.loads(raw)["offers"]["availability"] == "https://schema.org/OutOfStock"


def test_a_product_name_cannot_break_out_of_the_json_ld_script(client, alice, make_product):
    name = "Evil </script><script>alert(1)</script> & <!-- candle"
    product = make_product(name)
    product.slug = "evil-candle"
    product.save()
    response = client.get("/p/evil-candle/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    [raw] = JSON_LD.findall(response.text)  # the element ends where it should
    assert "<" not in raw and ">" not in raw
    assert json.loads(raw)["name"] == name


def test_private_and_missing_pages_carry_no_canonical_link(client, alice, make_product):
    # The cart (and checkout, account...) is never indexed; a 404 names no URL.
    assert _canonicals(client.get("/cart/", HTTP_HOST=ALICE_HOST)) == []
    missing = client.get("/p/no-such-product/?x=1", HTTP_HOST=ALICE_HOST)
    assert missing.status_code == 404
    assert _canonicals(missing) == []
