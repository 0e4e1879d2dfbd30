"""`manage.py serve --port N`: absolute links (payment page, email) name that port."""

from django.conf import settings
from django.core.management import call_command

from shopsocial.urls_util import company_url, storefront_url


def test_serve_makes_absolute_links_use_the_port_it_serves_on(monkeypatch):
    calls = []
    monkeypatch.setenv("RUN_MAIN", "true")  # skip migrate/seed: only the port matters here
    monkeypatch.setattr(
        "retailers.management.commands.serve.call_command",
        lambda *args, **kwargs: calls.append((args, kwargs)),
    )
    monkeypatch.setattr(
        "retailers.management.commands.serve.serve_asgi",
        lambda **kwargs: calls.append((("serve_asgi",), kwargs)),
    )
    monkeypatch.setattr(settings, "SHOP_PORT", settings.SHOP_PORT)  # restored afterwards
    monkeypatch.setenv("SHOP_PORT", settings.SHOP_PORT)
    call_command("serve", "--port", "8123", "--noreload")
    assert company_url("/x/").endswith("://www.shop.test:8123/x/")
    assert storefront_url("demo", "/").endswith("://demo.shop.test:8123/")
    # uvicorn (HTTP + the chat's WebSockets) instead of runserver.
    assert calls == [(("serve_asgi",), {"port": 8123, "reload": False})]
