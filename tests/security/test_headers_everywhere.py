"""Every response carries the security headers: middleware answers and error pages too.

Production's security settings (read from the real settings module, as in
test_headers.py) applied to requests that are answered before or outside the view
layer: no such shop (404), shop closed (503), a Host that is not allowed (404),
a malformed request (400), an unknown page (404) and a crashing view (500).
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from retailers.models import Retailer
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST
from tests.security.test_headers import production_security_settings  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(production_security_settings):  # noqa: F811
    with override_settings(**production_security_settings):
        yield Client(raise_request_exception=False)


def assert_security_headers(response) -> None:
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, policy
    assert "camera=()" in response["Permissions-Policy"]


def test_no_such_shop_page(client, company):
    response = client.get("/", HTTP_HOST="nosuchshop.shop.test", secure=True)
    assert response.status_code == 404
    assert_security_headers(response)


def test_shop_closed_page(client, bob):
    Retailer.objects.filter(pk=bob.pk).update(status=Retailer.Status.SUSPENDED)
    response = client.get("/", HTTP_HOST=BOB_HOST, secure=True)
    assert response.status_code == 503
    assert_security_headers(response)


def test_disallowed_host_answer(client, company):
    # django-tenants answers a Host outside ALLOWED_HOSTS with a bare 404.
    response = client.get("/", HTTP_HOST="evil.example", secure=True)
    assert response.status_code == 404
    assert_security_headers(response)


def test_malformed_request_answer(client, company):
    response = client.get("/checkout/success/?session_id=%00", HTTP_HOST=ALICE_HOST, secure=True)
    assert response.status_code == 400
    assert_security_headers(response)


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_not_found_page(client, alice, host):
    response = client.get("/no-such-page/", HTTP_HOST=host, secure=True)
    assert response.status_code == 404
    assert_security_headers(response)


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_server_error_page(client, alice, host, monkeypatch):
    from privacy import selectors

    def crash():
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "policy_versions_published", crash)
    response = client.get("/privacy/", HTTP_HOST=host, secure=True)
    assert response.status_code == 500
    assert_security_headers(response)


def test_a_view_that_sets_its_own_policy_keeps_it(client, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    response = client.get("/media/pic.png", HTTP_HOST=ALICE_HOST, secure=True)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Frame-Options"] == "DENY"
