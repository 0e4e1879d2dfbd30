"""Company site: introduction, featured products, find a retailer, become a retailer."""

import re

import pytest

from retailers.models import Retailer
from tests.conftest import COMPANY_HOST

pytestmark = pytest.mark.django_db


def found(client, q: str) -> list[str]:
    response = client.get("/find-a-retailer/", {"q": q}, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    return re.findall(r'<a href="(http://[a-z0-9-]+\.shop\.test/)">', response.text)


def test_company_home_introduces_and_links_registration_and_finder(client, company, make_product):
    make_product("Vanilla Candle")
    page = client.get("/", HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    assert 'href="/register/"' in page.text
    assert 'action="/find-a-retailer/"' in page.text
    assert '<label for="finder-q">Retailer name, city, state or ZIP code</label>' in page.text
    assert "Vanilla Candle" in page.text
    # The company site sells too: product tiles open the product page on this host.
    assert re.search(r'<a href="/p/vanilla-candle-\d+/">', page.text)
    assert 'href="/find-a-retailer/">Find a retailer</a>' in page.text


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("alice", ["http://alice.shop.test/"]),
        ("Attic", ["http://alice.shop.test/"]),
        ("boise", ["http://bob.shop.test/"]),
        ("TX", ["http://alice.shop.test/"]),
        ("id", ["http://bob.shop.test/"]),
        ("78701", ["http://alice.shop.test/"]),
        ("837", ["http://bob.shop.test/"]),
        ("Austin, TX", ["http://alice.shop.test/"]),
        ("Austin ID", []),
        ("nowhere", []),
    ],
)
def test_find_a_retailer_by_name_city_state_or_zip(client, alice, bob, q, expected):
    assert found(client, q) == expected


def test_finder_lists_only_active_retailers_never_the_company(client, company, alice, bob):
    assert found(client, "Bob") == ["http://bob.shop.test/"]
    Retailer.objects.filter(pk=bob.pk).update(status=Retailer.Status.SUSPENDED)
    assert found(client, "Bob") == []
    assert company.display_name == "Shop Social Scenes"
    assert found(client, "Shop Social") == []


def test_finder_with_oversized_query_answers_with_message(client, alice):
    response = client.get("/find-a-retailer/", {"q": "a" * 5000}, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert "Searches are limited to 100 characters" in response.text


def test_empty_finder_shows_featured_retailers(client, company, alice, bob):
    response = client.get("/find-a-retailer/", {"q": "  "}, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert "Featured retailers" in response.text
    assert sorted(found(client, "")) == ["http://alice.shop.test/", "http://bob.shop.test/"]
    assert "found" not in response.text


def test_find_by_retailer_id_and_web_address(client, alice, bob):
    Retailer.objects.filter(pk=bob.pk).update(retailer_number="1000123")
    assert found(client, "1000123") == ["http://bob.shop.test/"]
    assert found(client, "1000124") == []
    for address in (
        "bob.shop.test",
        "https://bob.shop.test/",
        "http://BOB.shop.test:8000/p/vanilla/",
        "bob",
    ):
        assert found(client, address) == ["http://bob.shop.test/"], address
    assert found(client, "bob.example.com") == []


def test_find_by_distance_from_a_zip_code(client, alice, bob):
    # 78704 is a neighbouring Austin ZIP code; 83702 is Boise, 1,300 miles from Austin.
    response = client.get("/find-a-retailer/", {"q": "78704"}, HTTP_HOST=COMPANY_HOST)
    assert found(client, "78704") == ["http://alice.shop.test/"]
    assert "1 retailer found within 25 miles of Austin, TX 78704" in response.text
    assert re.search(r"\d miles? away|less than 1 mile away", response.text)
    # Round Rock is ~20 miles north of Austin; Killeen ~70 miles: the radius widens.
    assert found(client, "76541") == ["http://alice.shop.test/"]
    assert (
        "within 100 miles"
        in client.get("/find-a-retailer/", {"q": "76541"}, HTTP_HOST=COMPANY_HOST).text
    )
    # New York: nobody within 250 miles.
    response = client.get("/find-a-retailer/", {"q": "10001"}, HTTP_HOST=COMPANY_HOST)
    assert "No retailer within 250 miles of New York, NY" in response.text


def test_product_tile_leads_to_the_product_in_each_found_shop(client, alice, make_product):
    product = make_product("Vanilla Candle")
    response = client.get(
        "/find-a-retailer/", {"q": "austin", "product": product.slug}, HTTP_HOST=COMPANY_HOST
    )
    assert "Choose a shop to buy <strong>Vanilla Candle</strong>" in response.text
    assert f'href="http://alice.shop.test/p/{product.slug}/">Buy Vanilla Candle' in response.text
    bad = client.get("/find-a-retailer/", {"product": "../x"}, HTTP_HOST=COMPANY_HOST)
    assert bad.status_code == 200


@pytest.mark.parametrize("q", ["", "austin", "1000123", "bob.shop.test", "78704", "10001"])
def test_finder_costs_a_few_queries_whatever_the_search(
    client, company, alice, bob, django_assert_max_num_queries, q
):
    client.get("/privacy/", HTTP_HOST=COMPANY_HOST)  # warm the host map
    # One query per radius at most (25, 100, 250 miles), or one for the other searches.
    with django_assert_max_num_queries(4):
        assert client.get("/find-a-retailer/", {"q": q}, HTTP_HOST=COMPANY_HOST).status_code == 200
