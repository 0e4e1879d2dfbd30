"""robots.txt and sitemap.xml on the company site and on each storefront (#28)."""

from xml.etree import ElementTree

import pytest

from storefront.models import Category
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _locs(response) -> list[str]:
    root = ElementTree.fromstring(response.content)
    return [loc.text for loc in root.findall("sm:url/sm:loc", NS)]


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST, BOB_HOST])
def test_robots_points_at_the_hosts_own_sitemap_and_keeps_crawlers_out_of_private_pages(
    client, alice, bob, company, host
):
    response = client.get("/robots.txt", HTTP_HOST=host)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/cart/", "/checkout/", "/account/", "/backoffice/", "/admin/"):
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: http://{host}/sitemap.xml" in lines
    assert "Disallow: /\n" not in response.text  # the shop itself stays crawlable


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_sitemap_lists_the_hosts_own_home_categories_and_active_products(
    client, alice, company, make_product, category, host
):
    sub = Category.objects.create(name="Pillars", slug="pillars", parent=category)
    on_sale = make_product("Cedar candle")
    hidden = make_product("Old candle", active=False)

    response = client.get("/sitemap.xml", HTTP_HOST=host)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locs = _locs(response)
    origin = f"http://{host}"
    assert locs[0] == f"{origin}/"
    assert f"{origin}/c/{category.slug}/" in locs
    assert f"{origin}/c/{sub.slug}/" in locs
    assert f"{origin}/p/{on_sale.slug}/" in locs
    assert f"{origin}/p/{hidden.slug}/" not in locs
    assert all(loc.startswith(origin + "/") for loc in locs)  # never another host's URLs
    assert not any("/cart/" in loc or "/checkout/" in loc for loc in locs)


def test_sitemap_escapes_its_urls_and_gives_product_dates(client, alice, make_product):
    product = make_product("Cedar candle")
    response = client.get("/sitemap.xml", HTTP_HOST=ALICE_HOST)
    root = ElementTree.fromstring(response.content)  # well-formed XML
    url = next(
        u
        for u in root.findall("sm:url", NS)
        if u.find("sm:loc", NS).text.endswith(product.slug + "/")
    )
    assert url.find("sm:lastmod", NS).text == product.updated_at.date().isoformat()


@pytest.mark.parametrize("path", ["/robots.txt", "/sitemap.xml"])
def test_posting_is_refused_not_an_error(client, alice, path):
    assert client.post(path, HTTP_HOST=ALICE_HOST).status_code == 405
