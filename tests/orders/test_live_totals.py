"""Live checkout totals (issue 28 item 8): a change re-renders the summary on the server."""

from __future__ import annotations

import pytest
from django.test import override_settings

from orders.models import Order
from tests.conftest import ALICE_HOST

from .conftest import CHECKOUT_FORM, cart_fill

pytestmark = pytest.mark.django_db

FRAGMENT = {"HTTP_X_FRAGMENT": "checkout-summary"}


@override_settings(TAX_NEXUS_STATES=["TX", "CA"])
def test_a_changed_shipping_method_returns_only_the_summary_with_new_totals(client, alice, candle):
    cart_fill(client, {candle: 2})
    form = {**CHECKOUT_FORM, "shipping_method": "express", "action": "update"}
    response = client.post("/checkout/", form, HTTP_HOST=ALICE_HOST, **FRAGMENT)
    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith('<section class="checkout-summary" id="checkout-summary"')
    assert 'id="checkout-summary"' in text and "<form" not in text and "<html" not in text
    # 39.98 merchandise; express 19.95; TX 6.25 % of 39.98 = 2.49875 -> 2.50; total 62.43
    for figure in ("Shipping (Express)", "$19.95", "$2.50", "$62.43"):
        assert figure in text
    standard = client.post(
        "/checkout/", {**form, "shipping_method": "standard"}, HTTP_HOST=ALICE_HOST, **FRAGMENT
    )
    assert "Shipping (Standard)" in standard.text and "$62.43" not in standard.text
    assert Order.objects.count() == 0


@override_settings(TAX_NEXUS_STATES=["TX", "CA"])
def test_a_half_filled_form_still_gets_totals_for_the_state_typed(client, alice, candle):
    cart_fill(client, {candle: 2})
    no_state = client.post(
        "/checkout/",
        {"shipping_method": "express", "action": "update"},
        HTTP_HOST=ALICE_HOST,
        **FRAGMENT,
    )
    assert no_state.status_code == 200 and "Calculated at checkout" in no_state.text
    data = {"ship_state": "TX", "shipping_method": "express", "action": "update"}
    response = client.post("/checkout/", data, HTTP_HOST=ALICE_HOST, **FRAGMENT)
    assert response.status_code == 200
    assert "$2.50" in response.text and "field-error" not in response.text


@override_settings(TAX_NEXUS_STATES=["TX", "CA"])
def test_without_javascript_update_totals_renders_the_whole_page(client, alice, candle):
    cart_fill(client, {candle: 2})
    form = {**CHECKOUT_FORM, "shipping_method": "express", "action": "update"}
    response = client.post("/checkout/", form, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert 'id="checkout-form"' in response.text and "$62.43" in response.text
    assert "Update totals" in response.text


def test_the_fragment_header_never_places_an_order(client, alice, candle):
    cart_fill(client, {candle: 1})
    response = client.post(
        "/checkout/", {**CHECKOUT_FORM, "action": "pay"}, HTTP_HOST=ALICE_HOST, **FRAGMENT
    )
    assert response.status_code == 303
    assert Order.objects.count() == 1


def test_a_cross_site_fragment_post_is_refused(alice, candle):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/checkout/",
        {"action": "update"},
        HTTP_HOST=ALICE_HOST,
        HTTP_ORIGIN="https://evil.example",
        HTTP_SEC_FETCH_SITE="cross-site",
        **FRAGMENT,
    )
    assert response.status_code == 403
