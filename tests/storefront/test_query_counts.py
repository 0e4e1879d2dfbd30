"""Query count per storefront page is constant in catalog size (cold caches)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.storefront.conftest import caches_clear, products_bulk_create

pytestmark = pytest.mark.django_db

MAX_QUERIES = 8
PAGES = [
    (ALICE_HOST, "/"),
    (ALICE_HOST, "/c/candles/?sort=price_desc&page=2"),
    (ALICE_HOST, "/p/bulk-candle-3/"),
    (ALICE_HOST, "/search/?q=bulk+candle"),
    (COMPANY_HOST, "/"),
]


def queries_for(client, host: str, path: str) -> int:
    caches_clear()
    client.get("/privacy/", HTTP_HOST=host)  # warm the host -> retailer cache only
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(("host", "path"), PAGES)
def test_page_query_count_is_the_same_for_10_and_500_products(
    client, alice, company, category, host, path
):
    products_bulk_create(category, 10)
    small = queries_for(client, host, path)
    products_bulk_create(category, 490, start=10)
    large = queries_for(client, host, path)
    assert small == large
    assert large <= MAX_QUERIES


@pytest.mark.parametrize("size", [10, 500])
@pytest.mark.parametrize(("host", "path"), PAGES)
def test_page_stays_under_query_budget(
    client, alice, company, category, django_assert_max_num_queries, size, host, path
):
    products_bulk_create(category, size)
    caches_clear()
    client.get("/privacy/", HTTP_HOST=host)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(path, HTTP_HOST=host).status_code == 200
