"""Host routing: company site on the bare domain and www, storefronts on subdomains."""

import re

import pytest

from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST, SHOP

pytestmark = pytest.mark.django_db


def test_bare_domain_and_www_serve_the_company_site(client, company):
    for host in (SHOP, COMPANY_HOST):
        response = client.get("/", HTTP_HOST=host)
        assert response.status_code == 200
        assert b"Become a retailer" in response.content


def test_subdomain_serves_that_retailers_storefront(client, alice, bob):
    alice_page = client.get("/", HTTP_HOST=ALICE_HOST)
    bob_page = client.get("/", HTTP_HOST=BOB_HOST)
    assert alice_page.status_code == bob_page.status_code == 200
    assert "Alice&#x27;s Attic" in alice_page.text
    assert "Bob&#x27;s Barn" not in alice_page.text
    assert "Bob&#x27;s Barn" in bob_page.text


def test_unknown_subdomain_gets_friendly_404_linking_company_site(client, company):
    response = client.get("/", HTTP_HOST=f"nosuchshop.{SHOP}")
    assert response.status_code == 404
    assert "No such shop" in response.text
    assert f'href="http://www.{SHOP}/"' in response.text
    assert "Become a retailer" not in response.text


def test_host_outside_the_shop_domain_is_refused(client, company):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code in (400, 404)


def test_suspended_storefront_shows_closed_page(client, alice):
    alice.status = alice.Status.SUSPENDED
    alice.save()
    response = client.get("/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 503
    assert "This shop is closed" in response.text


def test_host_lookup_is_cached_after_first_request(client, alice, django_assert_num_queries):
    client.get("/", HTTP_HOST=ALICE_HOST)
    with django_assert_num_queries(0):
        from retailers.middleware import retailer_for_hostname

        assert retailer_for_hostname(ALICE_HOST).slug == "alice"


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_every_layout_has_privacy_link_and_contact_block(client, tenants, host):
    response = client.get("/", HTTP_HOST=host)
    links = re.findall(r'<a href="(/privacy/)">([^<]*)</a>', response.text)
    assert any("Privacy" in text for _, text in links)
    assert "PO Box 388" in response.text
    assert "800-492-4995" in response.text
    assert "info@shopsocialscenes.com" in response.text


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_privacy_page_answers_on_every_host(client, tenants, host):
    response = client.get("/privacy/", HTTP_HOST=host)
    assert response.status_code == 200
    assert "Privacy" in response.text


def test_healthz_answers_from_the_process_alone(client, company):
    response = client.get("/healthz", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # dependencies are /readyz's (tests/ops)


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_every_footer_link_answers_on_every_host(client, tenants, host):
    page = client.get("/", HTTP_HOST=host).text
    footer = page.split('<footer class="site-footer"', 1)[1]
    paths = re.findall(r'<a href="(/[^"]*)"', footer)
    assert {"/privacy/", "/privacy/analytics/", "/contact/", "/newsletter/"} <= set(paths)
    for path in paths:
        assert client.get(path, HTTP_HOST=host).status_code == 200, path


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_home_pages_offer_the_newsletter_without_setting_a_cookie(client, tenants, host):
    response = client.get("/", HTTP_HOST=host)
    assert '<form method="post" action="/newsletter/"' in response.text
    assert 'name="birth_year"' in response.text
    assert not response.cookies
