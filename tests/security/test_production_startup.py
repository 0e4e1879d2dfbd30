"""Production decides at run time (issue 30 items 1 and 2; issue 23 item 5).

A system check runs only in management commands; the app server runs none. These
tests start the real app server the Dockerfile runs, under production settings, and
see it refuse to start without a gateway key (unless the demo switch is on) and
without REDIS_URL, and start when they are set.
"""

from __future__ import annotations

import http.client
import importlib
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import clear_url_caches

import orders.urls_public
from orders.gateways import gateway_get, offline_gateway_in_use
from shopsocial.guards import startup_guard_messages, startup_guards_enforce
from tests.conftest import COMPANY_HOST
from tests.foundation.test_production_shape import DOCKERFILE, ROOT
from tests.foundation.test_settings import _production_env

NO_GATEWAY = {"STRIPE_SECRET_KEY": "", "STRIPE_WEBHOOK_SECRET": ""}
DEMO = {
    **NO_GATEWAY,
    "PAYMENTS_OFFLINE_DEMO": "true",
    "OFFLINE_GATEWAY_WEBHOOK_SECRET": "whsec_demo_secret_for_tests",
}
BANNER = "DEMO SHOP — NO REAL PAYMENTS"


def dockerfile_server_command(*, port: int) -> list[str]:
    """The Dockerfile's CMD (the production app server), bound to `port`, one worker."""
    match = re.search(r"^CMD (\[.*\])\s*$", DOCKERFILE, flags=re.M)
    assert match, "the Dockerfile's CMD is expected in exec (JSON array) form"
    command = json.loads(match.group(1))
    assert command[0] == "gunicorn", command
    args = command[1:]
    for flag, value in (("--bind", f"127.0.0.1:{port}"), ("--workers", "1")):
        if flag in args:
            args[args.index(flag) + 1] = value
        else:
            args += [flag, value]
    return [str(Path(sys.executable).parent / "gunicorn"), *args]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """Production pages need the collected static manifest; collect once for this module."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=_production_env(STATIC_ROOT=str(root)),
        check=True,
        capture_output=True,
        timeout=120,
    )
    return root


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path, headers={"Host": COMPANY_HOST})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def _env(static_root: Path, **overrides: str) -> dict[str, str]:
    env = _production_env(
        SHOP_DOMAIN="shop.test",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        STATIC_ROOT=str(static_root),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _server_refuses(env: dict[str, str]) -> str:
    """Start the production app server; it must exit on its own. Returns its log."""
    process = subprocess.Popen(
        dockerfile_server_command(port=_free_port()),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        process.terminate()
        output, _ = process.communicate(timeout=20)
        raise AssertionError(f"the app server started and kept running:\n{output}") from None
    assert process.returncode != 0, output
    return output


@contextmanager
def _server_running(env: dict[str, str]) -> Iterator[int]:
    port = _free_port()
    process = subprocess.Popen(
        dockerfile_server_command(port=port),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _get(port, "/.well-known/gpc.json")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.terminate()
                    raise AssertionError(f"the app server did not start: {process.stderr.read()}")
                time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


# --- The real app server --------------------------------------------------------


@pytest.mark.django_db
def test_the_app_server_refuses_to_start_without_a_gateway_key_or_the_demo_switch(static_root):
    output = _server_refuses(_env(static_root, **NO_GATEWAY, PAYMENTS_OFFLINE_DEMO=None))
    assert "orders.E001" in output
    assert "refuses to start" in output


@pytest.mark.django_db
def test_the_app_server_refuses_to_start_without_redis(static_root):
    output = _server_refuses(_env(static_root, REDIS_URL=None))
    assert "shopsocial.E030" in output
    assert "orders.E001" not in output


@pytest.mark.django_db
def test_the_app_server_starts_with_stripe_keys_and_redis_and_shows_no_demo_banner(
    company, static_root
):
    with _server_running(_env(static_root)) as port:
        status, html = _get(port, "/")
    assert status == 200
    assert "Privacy" in html
    assert BANNER not in html


@pytest.mark.django_db
def test_the_app_server_starts_as_a_demo_with_the_switch_and_says_so_on_every_page(
    company, static_root
):
    with _server_running(_env(static_root, **DEMO)) as port:
        status, html = _get(port, "/")
    assert status == 200
    assert BANNER in html


# --- The run-time decision, in process -------------------------------------------

PRODUCTION_NO_GATEWAY = {
    "STRIPE_SECRET_KEY": "",
    "STRIPE_WEBHOOK_SECRET": "",
    "PAYMENTS_OFFLINE_ALLOWED": False,
    "PAYMENTS_OFFLINE_DEMO": False,
}


def test_without_the_demo_switch_production_has_no_offline_gateway():
    with override_settings(**PRODUCTION_NO_GATEWAY):
        assert offline_gateway_in_use() is False
        with pytest.raises(ImproperlyConfigured, match="PAYMENTS_OFFLINE_DEMO"):
            gateway_get()


def test_with_the_demo_switch_production_uses_the_offline_gateway():
    with override_settings(**{**PRODUCTION_NO_GATEWAY, "PAYMENTS_OFFLINE_DEMO": True}):
        assert offline_gateway_in_use() is True
        assert gateway_get().name == "offline"


@pytest.fixture
def urls_reloaded():
    yield
    importlib.reload(orders.urls_public)
    import shopsocial.urls_public

    importlib.reload(shopsocial.urls_public)
    clear_url_caches()


def _offline_routes() -> set[str]:
    names = {getattr(p, "name", None) for p in orders.urls_public.urlpatterns}
    return names & {"offline-gateway-pay", "offline-gateway-submit"}


def test_the_offline_pages_are_mounted_under_production_only_with_the_demo_switch(urls_reloaded):
    with override_settings(**PRODUCTION_NO_GATEWAY):
        importlib.reload(orders.urls_public)
        assert _offline_routes() == set()
    with override_settings(**{**PRODUCTION_NO_GATEWAY, "PAYMENTS_OFFLINE_DEMO": True}):
        importlib.reload(orders.urls_public)
        assert _offline_routes() == {"offline-gateway-pay", "offline-gateway-submit"}


def test_startup_guards_refuse_and_silencing_the_check_does_not_help():
    with override_settings(**PRODUCTION_NO_GATEWAY, SILENCED_SYSTEM_CHECKS=["orders.E001"]):
        assert [(type(m), m.id) for m in startup_guard_messages()] == [(Error, "orders.E001")]
        with pytest.raises(ImproperlyConfigured, match="orders.E001"):
            startup_guards_enforce()


def test_startup_guards_refuse_without_redis_under_production_settings():
    with (
        override_settings(REDIS_REQUIRED=True, REDIS_URL=""),
        pytest.raises(ImproperlyConfigured, match="shopsocial.E030"),
    ):
        startup_guards_enforce()
    with override_settings(REDIS_REQUIRED=True, REDIS_URL="redis://127.0.0.1:6379/0"):
        startup_guards_enforce()


def test_startup_guards_refuse_a_varnish_off_this_machine_without_a_purge_token():
    """Its ACL of private networks alone would admit every client coming in through a load
    balancer or Docker's published port (deploy/varnish/default.vcl)."""
    remote = ["http://varnish:80"]
    with (
        override_settings(VARNISH_PURGE_URLS=remote, VARNISH_PURGE_TOKEN=""),
        pytest.raises(ImproperlyConfigured, match="shopsocial.E031"),
    ):
        startup_guards_enforce()
    with override_settings(VARNISH_PURGE_URLS=remote, VARNISH_PURGE_TOKEN="a-long-secret"):
        startup_guards_enforce()
    with override_settings(VARNISH_PURGE_URLS=["http://127.0.0.1:6081"], VARNISH_PURGE_TOKEN=""):
        startup_guards_enforce()  # serve, the tests, the bench: on this machine


def test_dev_and_test_settings_start_without_guards_firing():
    assert startup_guard_messages() == []
