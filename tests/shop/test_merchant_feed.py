"""The Google Merchant product feed on every host (#28 item 5), read back as XML."""

from xml.etree import ElementTree

import pytest

from storefront.models import ProductVariant
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

G = "{http://base.google.com/ns/1.0}"
COMPANY_ORIGIN = f"http://{COMPANY_HOST}"


def _items(client, host: str) -> dict[str, dict[str, str]]:
    response = client.get("/feeds/google-merchant.xml", HTTP_HOST=host)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("link") == f"http://{host}/"
    return {
        item.findtext(f"{G}id"): {
            child.tag.removeprefix(G): child.text for child in item if child.tag.startswith(G)
        }
        for item in channel.findall("item")
    }


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST, BOB_HOST])
def test_every_host_lists_the_catalog_with_the_company_sites_product_links(
    client, alice, bob, company, make_product, host
):
    cedar = make_product("Cedar candle", price="18.50", stock=4, description="Hand poured.")
    sold_out = make_product("Pine candle", stock=0)
    hidden = make_product("Old candle", active=False)

    items = _items(client, host)

    item = items[variant_of(cedar).sku]
    assert item["title"] == "Cedar candle"
    assert item["description"] == "Hand poured."
    assert item["link"] == f"{COMPANY_ORIGIN}/p/{cedar.slug}/"  # never the storefront's copy
    assert item["price"] == "18.50 USD"
    assert item["availability"] == "in_stock"
    assert item["condition"] == "new"
    assert item["image_link"].startswith(f"http://{host}/media/")
    assert items[variant_of(sold_out).sku]["availability"] == "out_of_stock"
    assert variant_of(hidden).sku not in items
    assert all(i["link"].startswith(COMPANY_ORIGIN + "/p/") for i in items.values())


def test_variants_are_items_of_one_group_with_their_own_price_and_stock(
    client, alice, make_product
):
    candle = make_product("Soy candle", price="18.00")
    default = variant_of(candle)
    default.option1 = "Vanilla"
    default.save()
    candle.option1_name = "Scent"
    candle.save()
    cedar = ProductVariant.objects.create(
        product=candle, sku="SOY-CEDAR", option1="Cedar", price="21.00", stock=0
    )

    items = _items(client, ALICE_HOST)

    assert items[default.sku]["title"] == "Soy candle (Vanilla)"
    assert items[cedar.sku]["title"] == "Soy candle (Cedar)"
    assert items[cedar.sku]["price"] == "21.00 USD"
    assert items[cedar.sku]["availability"] == "out_of_stock"
    assert items[cedar.sku]["item_group_id"] == items[default.sku]["item_group_id"] == candle.sku


def test_a_product_name_with_markup_stays_text(client, alice, make_product):
    product = make_product("Tea mug")
    product.name = "Tea & <b>Toast</b> ]]> mug"
    product.save()
    assert _items(client, ALICE_HOST)[variant_of(product).sku]["title"] == (
        "Tea & <b>Toast</b> ]]> mug"
    )


def test_posting_to_the_feed_is_refused_not_an_error(client, alice):
    assert client.post("/feeds/google-merchant.xml", HTTP_HOST=ALICE_HOST).status_code == 405
