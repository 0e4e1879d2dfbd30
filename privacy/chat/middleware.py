"""ASGI middleware for chat sockets: same-origin check and host -> storefront.

`SameOriginWebsocketValidator` is stricter than Channels' AllowedHostsOriginValidator:
the Origin must be exactly the host the socket was opened on (a page on one storefront
cannot open a socket to another, nor to the company host), and that host must be in
ALLOWED_HOSTS. `TenantWebsocketMiddleware` resolves the Host header to its Retailer
the way the HTTP middleware does (same cached map), puts it in `scope["tenant"]`, and
refuses unknown hosts and closed shops.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django_tenants.utils import remove_www


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            try:
                return value.decode("latin1")
            except UnicodeDecodeError:  # pragma: no cover - latin1 decodes every byte
                return None
    return None


def scope_host(scope) -> tuple[str, str]:
    """(domain, port) of the Host header, lower-cased; ("", "") when absent or invalid."""
    host = (_header(scope, b"host") or "").strip().lower()
    domain, port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return "", ""
    return domain, port


class SameOriginWebsocketValidator:
    def __init__(self, application):
        self.application = application

    def origin_allowed(self, scope) -> bool:
        domain, port = scope_host(scope)
        origin = _header(scope, b"origin")
        if not domain or not origin:
            return False
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        try:
            origin_port = str(parts.port or "")
        except ValueError:
            return False
        default = {"http": "80", "https": "443"}[parts.scheme]
        return parts.hostname.lower() == domain and (origin_port or default) == (port or default)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not self.origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)


def _retailer_for_sync(domain: str):
    from retailers.middleware import retailer_for_hostname

    return retailer_for_hostname(domain)


_retailer_for = database_sync_to_async(_retailer_for_sync, thread_sensitive=False)


class TenantWebsocketMiddleware:
    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)
        domain, _port = scope_host(scope)
        # As django-tenants' HTTP middleware: "www." names the bare domain's tenant.
        tenant = await _retailer_for(remove_www(domain)) if domain else None
        if tenant is None or not (tenant.is_company or tenant.is_active):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application({**scope, "tenant": tenant}, receive, send)
