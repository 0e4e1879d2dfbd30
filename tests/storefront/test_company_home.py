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
    assert 'href="/find-a-retailer/">Find a retailer to buy' in page.text


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


def test_empty_finder_search_shows_only_the_form(client, alice):
    response = client.get("/find-a-retailer/", {"q": "  "}, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert "retailer-list" not in response.text
    assert "found" not in response.text
