"""Production never takes money through the offline gateway (issue 11 item 1)."""

from __future__ import annotations

import importlib

import pytest
from django.core.checks import Error, Warning, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import clear_url_caches

import orders.urls_public
from orders.checks import payments_gateway_check
from tests.conftest import ALICE_HOST, COMPANY_HOST

PRODUCTION_NO_STRIPE = {
    "STRIPE_SECRET_KEY": "",
    "STRIPE_WEBHOOK_SECRET": "",
    "PAYMENTS_OFFLINE_ALLOWED": False,
    "PAYMENTS_OFFLINE_DEMO": False,
}


def _ids(messages) -> list[tuple[type, str]]:
    return [(type(m), m.id) for m in messages]


def test_production_without_stripe_keys_is_a_check_error():
    with override_settings(**PRODUCTION_NO_STRIPE):
        assert _ids(payments_gateway_check()) == [(Error, "orders.E001")]
        assert "orders.E001" in [m.id for m in run_checks()]


def test_check_deploy_and_migrate_refuse_to_run_without_stripe_keys():
    with override_settings(**PRODUCTION_NO_STRIPE):
        with pytest.raises(SystemCheckError, match="orders.E001"):
            call_command("check", "--deploy")
        with pytest.raises(SystemCheckError, match="orders.E001"):
            call_command("migrate", "--plan", skip_checks=False)


def test_stripe_keys_satisfy_the_check():
    with override_settings(
        **{
            **PRODUCTION_NO_STRIPE,
            "STRIPE_SECRET_KEY": "sk_live_x",
            "STRIPE_WEBHOOK_SECRET": "whsec_x",
        }
    ):
        assert payments_gateway_check() == []


def test_stripe_key_without_webhook_secret_is_an_error():
    with override_settings(**{**PRODUCTION_NO_STRIPE, "STRIPE_SECRET_KEY": "sk_live_x"}):
        assert _ids(payments_gateway_check()) == [(Error, "orders.E002")]


def test_the_demo_switch_allows_the_offline_gateway_with_a_warning():
    with override_settings(**{**PRODUCTION_NO_STRIPE, "PAYMENTS_OFFLINE_DEMO": True}):
        assert _ids(payments_gateway_check()) == [(Warning, "orders.W001")]


def test_dev_and_test_settings_allow_the_offline_gateway():
    assert payments_gateway_check() == []


@pytest.mark.django_db
@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_demo_switch_shows_a_banner_on_every_page(client, tenants, host):
    with override_settings(PAYMENTS_OFFLINE_DEMO=True):
        html = client.get("/", HTTP_HOST=host).text
    assert "DEMO SHOP — NO REAL PAYMENTS" in html
    assert "NO REAL PAYMENTS" not in client.get("/", HTTP_HOST=host).text


@pytest.mark.django_db
def test_no_banner_when_stripe_is_configured_even_with_the_switch(client, tenants):
    with override_settings(PAYMENTS_OFFLINE_DEMO=True, STRIPE_SECRET_KEY="sk_live_x"):
        html = client.get("/", HTTP_HOST=COMPANY_HOST).text
    assert "NO REAL PAYMENTS" not in html


@pytest.fixture
def urls_reloaded():
    yield
    importlib.reload(orders.urls_public)
    import shopsocial.urls_public

    importlib.reload(shopsocial.urls_public)
    clear_url_caches()


def _route_names() -> set[str]:
    return {getattr(p, "name", None) for p in orders.urls_public.urlpatterns}


def test_offline_routes_are_mounted_only_while_the_offline_gateway_is_in_use(urls_reloaded):
    assert {"offline-gateway-pay", "offline-gateway-submit"} <= _route_names()
    with override_settings(STRIPE_SECRET_KEY="sk_live_x", STRIPE_WEBHOOK_SECRET="whsec_x"):
        importlib.reload(orders.urls_public)
    assert not {"offline-gateway-pay", "offline-gateway-submit"} & _route_names()
    assert "gateway-webhook" in _route_names()


@pytest.mark.django_db
def test_offline_routes_are_404_under_stripe(client, company, urls_reloaded):
    with override_settings(STRIPE_SECRET_KEY="sk_live_x", STRIPE_WEBHOOK_SECRET="whsec_x"):
        importlib.reload(orders.urls_public)
        import shopsocial.urls_public

        importlib.reload(shopsocial.urls_public)
        clear_url_caches()
        page = client.get("/offline-gateway/pay/cs_offline_x/", HTTP_HOST=COMPANY_HOST)
        submit = client.post(
            "/offline-gateway/pay/cs_offline_x/submit/", {"decision": "pay"}, HTTP_HOST=COMPANY_HOST
        )
    assert page.status_code == 404
    assert submit.status_code == 404
