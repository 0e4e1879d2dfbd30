"""X-Forwarded-* are trusted only from the configured proxy, never from any client."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from tests.conftest import COMPANY_HOST
from tests.foundation.test_production_shape import COMPOSE, ROOT
from tests.security.test_headers import production_security_settings  # noqa: F401


def test_compose_gunicorn_trusts_forwarded_headers_only_from_the_configured_proxy():
    web = COMPOSE.split("\n  web:\n", 1)[1].split("\n\n", 1)[0]
    assert re.search(r'--forwarded-allow-ips \\"\$\$\{FORWARDED_ALLOW_IPS:-127\.0\.0\.1\}\\"', web)
    assert "--forwarded-allow-ips '*'" not in COMPOSE and '--forwarded-allow-ips "*"' not in COMPOSE


def test_env_example_documents_the_proxy_addresses():
    env_example = (ROOT / ".env.example").read_text()
    assert re.search(r"^FORWARDED_ALLOW_IPS=\S+\s+#", env_example, flags=re.M)


def test_production_django_does_not_read_x_forwarded_proto_itself(production_security_settings):  # noqa: F811
    assert production_security_settings["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.django_db
def test_a_client_claiming_https_over_plain_http_is_still_redirected(
    production_security_settings,  # noqa: F811
    company,
):
    with override_settings(**production_security_settings):
        response = Client().get("/privacy/", HTTP_HOST=COMPANY_HOST, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"] == f"https://{COMPANY_HOST}/privacy/"
