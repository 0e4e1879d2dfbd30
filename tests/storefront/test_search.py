"""Forgiving search: typos (pg_trgm), "did you mean", category names and synonyms."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from storefront.models import Category
from storefront.search import search_terms_parse, spelling_suggest
from tests.conftest import ALICE_HOST
from tests.storefront.conftest import caches_clear, products_bulk_create

pytestmark = pytest.mark.django_db


def product_names(html: str) -> list[str]:
    return re.findall(r'<span class="product-name">([^<]+)</span>', html)


def search(client, q: str):
    response = client.get("/search/", {"q": q}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    return response


@pytest.fixture
def catalog(make_product, other_category):
    wall = Category.objects.create(name="Wall Decor", slug="wall-decor", position=2)
    make_product("Vanilla Bean Jar Candle", description="Soy wax, warm vanilla.")
    make_product("Cedar Pillar Candle", description="Cedarwood oil.")
    make_product("Citrus Tealights", description="Twelve small lights.")
    make_product("Ceramic Mug Duo", description="Two glazed mugs.", in_category=other_category)
    make_product("Enamel Measuring Cups", description="Nesting.", in_category=other_category)
    make_product("Farmhouse Clock", description="Quiet sweep.", in_category=wall)
    make_product("Rustic Mirror", description="Pine frame.", in_category=wall)


def test_a_misspelt_word_finds_the_products_and_says_what_was_searched(client, alice, catalog):
    page = search(client, "candel")
    assert product_names(page.text) == [
        "Cedar Pillar Candle",
        "Vanilla Bean Jar Candle",
        "Citrus Tealights",
    ]
    assert "Nothing matched “candel” exactly, so we included results for" in page.text
    assert "<strong>“candle”</strong>" in page.text


def test_vanila_finds_vanilla(client, alice, catalog):
    page = search(client, "vanila")
    assert product_names(page.text) == ["Vanilla Bean Jar Candle"]
    assert "“vanilla”" in page.text


def test_few_results_offer_did_you_mean_with_a_link(client, alice, catalog, make_product):
    make_product("Stoneware Bowl", description="Made by a candel maker (sic).")
    page = search(client, "candel")
    assert "Did you mean" in page.text
    assert 'href="/search/?q=candle"' in page.text
    # The literal match and what the correction finds.
    assert {"Stoneware Bowl", "Vanilla Bean Jar Candle"} <= set(product_names(page.text))


def test_a_category_name_lists_its_products(client, alice, catalog):
    expected = ["Farmhouse Clock", "Rustic Mirror"]
    assert sorted(product_names(search(client, "decor").text)) == expected
    assert sorted(product_names(search(client, "wall decor").text)) == expected


def test_synonyms_match(client, alice, catalog):
    assert sorted(product_names(search(client, "cup").text)) == [
        "Ceramic Mug Duo",
        "Enamel Measuring Cups",
    ]
    assert "Citrus Tealights" in product_names(search(client, "candles").text)


def test_every_word_still_has_to_match(client, alice, catalog):
    assert product_names(search(client, "vanilla candle").text) == ["Vanilla Bean Jar Candle"]
    assert product_names(search(client, "vanila candel").text) == ["Vanilla Bean Jar Candle"]


def test_nothing_similar_says_so_and_offers_categories(client, alice, catalog):
    page = search(client, "xyzzyq")
    assert product_names(page.text) == []
    assert "No products match “xyzzyq”" in page.text
    assert "Did you mean" not in page.text
    assert 'href="/c/wall-decor/"' in page.text


def test_spelling_suggest_keeps_known_words_numbers_and_prefixes(alice, catalog):
    caches_clear()
    assert spelling_suggest(("candel", "bean", "12", "vani")) == ("candle", "bean", "12", "vani")
    assert search_terms_parse("Vanila!").terms == ("vanila",)


@pytest.mark.parametrize("q", ["bulk candle", "bulk candel", "vanila", "xyzzyq"])
def test_search_query_count_is_constant_in_catalog_size(client, alice, category, q):
    def count() -> int:
        caches_clear()
        client.get("/privacy/", HTTP_HOST=ALICE_HOST)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", {"q": q}, HTTP_HOST=ALICE_HOST).status_code == 200
        return len(captured)

    products_bulk_create(category, 10)
    small = count()
    products_bulk_create(category, 490, start=10)
    assert count() == small <= 9
