"""Under production settings every response carries the security headers, and cookies are safe.

The security settings are read from the real production settings module (in a
subprocess, with a production-like environment), then applied to this test process
with override_settings, so the assertion is about what production would send.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.foundation.test_settings import ROOT, _production_env

pytestmark = pytest.mark.django_db

SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_CSP",
    "PERMISSIONS_POLICY",
    "MIDDLEWARE",
]

_SCRIPT = f"""
import json, django
django.setup()
from django.conf import settings
print(json.dumps({{k: getattr(settings, k) for k in {SECURITY_SETTINGS!r} if hasattr(settings, k)}}))
"""


@pytest.fixture(scope="module")
def production_security_settings() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        cwd=ROOT,
        env=_production_env(SHOP_DOMAIN="shop.test"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    for key in ("SECURE_PROXY_SSL_HEADER",):
        if isinstance(values.get(key), list):
            values[key] = tuple(values[key])
    return values


@pytest.fixture
def production_client(production_security_settings):
    with override_settings(**production_security_settings):
        yield Client()


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST], ids=["company", "storefront"])
def test_plain_http_is_redirected_to_https(production_client, alice, host):
    response = production_client.get("/privacy/", HTTP_HOST=host)
    assert response.status_code == 301
    assert response["Location"] == f"https://{host}/privacy/"


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST], ids=["company", "storefront"])
def test_https_responses_carry_the_security_headers(production_client, alice, host):
    response = production_client.get("/", HTTP_HOST=host, secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST], ids=["company", "storefront"])
def test_https_responses_carry_a_same_origin_content_security_policy(
    production_client, alice, host
):
    response = production_client.get("/", HTTP_HOST=host, secure=True)
    policy = response.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives.get("default-src") == ["'self'"], policy
    assert "frame-ancestors" in directives, policy
    assert all("*" not in v for values in directives.values() for v in values), policy


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST], ids=["company", "storefront"])
def test_https_responses_carry_a_permissions_policy(production_client, alice, host):
    response = production_client.get("/", HTTP_HOST=host, secure=True)
    policy = response.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy, policy


def test_csrf_cookie_is_secure_httponly_and_same_site(production_client, company):
    response = production_client.get("/admin/login/", HTTP_HOST=COMPANY_HOST, secure=True)
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_session_cookie_is_secure_httponly_and_same_site(production_client, company):
    get_user_model().objects.create_superuser("hdr-admin", "hdr@example.com", "hdr-Pass-123")
    production_client.get("/admin/login/", HTTP_HOST=COMPANY_HOST, secure=True)
    response = production_client.post(
        "/admin/login/?next=/admin/",
        {"username": "hdr-admin", "password": "hdr-Pass-123"},
        HTTP_HOST=COMPANY_HOST,
        secure=True,
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 60 * 60 * 8
