"""Branded error pages on every host, the favicon, and the form layout rules."""

import pytest
from django.template.loader import render_to_string

from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db


def test_404_is_branded_on_the_company_site(client, company):
    response = client.get("/no/such/page/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 404
    assert '<a class="brand" href="/">Shop Social Scenes</a>' in response.text
    assert "We couldn't find that page" in response.text
    assert 'href="/find-a-retailer/">Find a retailer</a>' in response.text
    assert "Privacy Policy" in response.text


def test_404_on_a_storefront_keeps_its_header_and_offers_search(client, alice, category):
    response = client.get("/p/no-such-thing/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 404
    assert '<a class="brand" href="/">Alice&#x27;s Attic</a>' in response.text
    assert '<a href="/c/candles/">Candles</a>' in response.text
    assert 'id="notfound-search"' in response.text


def test_500_page_needs_no_context_and_is_branded():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert "/static/css/site.css" in html
    assert 'href="/privacy/">Privacy Policy' in html


@pytest.mark.parametrize("host", [ALICE_HOST, COMPANY_HOST])
def test_every_page_links_the_favicon(client, alice, company, host):
    page = client.get("/", HTTP_HOST=host).text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert client.get("/favicon.ico", HTTP_HOST=host)["Location"] == "/static/favicon-32.png"


def test_checkbox_field_groups_put_the_box_before_its_label(client, company):
    html = client.get("/register/", HTTP_HOST=COMPANY_HOST).text
    box = html.index('<input type="checkbox" name="accept_terms"')
    label = html.index('<label for="id_accept_terms">')
    assert box < label
    assert '<div class="field field-checkbox">' in html


def test_checkout_billing_block_is_marked_for_the_script(client, alice, make_product):
    product = make_product("Vanilla Candle")
    client.post("/cart/add/", {"product_id": product.pk, "quantity": 1}, HTTP_HOST=ALICE_HOST)
    html = client.get("/checkout/", HTTP_HOST=ALICE_HOST).text
    assert 'id="billing-fields" data-same-as="id_billing_same_as_shipping"' in html
    assert '<script src="/static/js/checkout.js" defer></script>' in html
    assert "hidden" not in html.split('id="billing-fields"')[0][-200:]  # visible without JS
