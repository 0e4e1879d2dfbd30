"""X-Forwarded-* are trusted only from the configured proxy, never from any client."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.test import Client, override_settings

from tests.conftest import COMPANY_HOST
from tests.foundation.test_production_shape import COMPOSE, ROOT
from tests.foundation.test_settings import _production_env
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


GPC_PATH = "/.well-known/gpc.json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, headers: dict[str, str]) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        # A JSON page: production templates need collected static files, this one does not.
        conn.request("GET", GPC_PATH, headers={"Host": COMPANY_HOST, **headers})
        response = conn.getresponse()
        return response.status, response.getheader("Location") or ""
    finally:
        conn.close()


@contextmanager
def _gunicorn(forwarded_allow_ips: str):
    """The app under production settings behind gunicorn, as compose runs it."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "shopsocial.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "1",
            "--forwarded-allow-ips", forwarded_allow_ips,
        ],
        cwd=ROOT, env=_production_env(SHOP_DOMAIN="shop.test"),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, {})
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn did not start: {process.stderr.read()}")
                time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.django_db
def test_gunicorn_believes_x_forwarded_proto_only_from_the_configured_proxy(company):
    # The session fixture committed the company tenant, so the server sees www.shop.test.
    claim = {"X-Forwarded-Proto": "https"}
    with _gunicorn("10.255.255.1") as port:  # the proxy is elsewhere: we are a client
        assert _get(port, claim) == (301, f"https://{COMPANY_HOST}{GPC_PATH}")
    with _gunicorn("127.0.0.1") as port:  # we are the proxy
        assert _get(port, claim) == (200, "")
        assert _get(port, {})[0] == 301
