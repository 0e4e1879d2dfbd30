"""Storefront caches: catalog versions, process memos and the shopper page cache.

Everything here is kept in process memory and keyed by the shared versions of
`shopsocial.versions` (no round trip per request):

- "catalog": categories, products, images, prices (admin saves, bulk actions, seed);
- "stock": stock and active flags (every `Product` save or queryset update,
  including order placement and cancellation), so a page never shows a stale
  "in stock";
- "storefront": a retailer's storefront content (about text, photo, picks);
- "hostmap": retailers and their domains (name, contact data, status);
- "policy": privacy policy versions (the change notice shows at once).

`page_cache` serves whole storefront and company pages from memory for every
shopper. The page is rendered once per variant (host, path, versions, date and the
DNT / GPC / opt-out decision, which are never mixed); the parts that differ per
shopper are marked in templates with `{% shopper_slot %}` (cart count, account
links, breach notices) and rendered for each request. A visitor with flash
messages gets a fully rendered page; a page that used the response's CSP nonce is
never stored; a response that sets a cookie is never stored.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import Template
from django.template.context import RequestContext
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from shopsocial.versions import (
    ProcessLRU,
    version,
    version_bump,
    version_bump_now_and_on_commit,
    versions,
)


# --- Versions ---------------------------------------------------------------------
def catalog_version() -> int:
    return version("catalog")


def listing_version() -> str:
    """What a cached product listing depends on: the catalog and stock versions."""
    current = versions()
    return f"{current['catalog']}.{current['stock']}"


def catalog_cache_bump() -> None:
    """Invalidate every cached catalog read and page (catalog writes call this after commit)."""
    version_bump("catalog")


def storefront_content_changed() -> None:
    """A retailer's storefront content changed (now, and again after commit)."""
    version_bump_now_and_on_commit("storefront")


# --- Shopper page cache -----------------------------------------------------------------
_pages = ProcessLRU(max_entries=500)
_local = threading.local()
SLOT_MARK = "\x00slot\x00"
_slot_nodes: dict[str, Any] = {}  # name -> SlotNode, registered when a template is parsed
_blank: Template | None = None


def slot_register(name: str, node: Any) -> None:
    _slot_nodes[name] = node


def slot_recording() -> bool:
    """True while a page is being rendered for the cache (slots emit markers)."""
    return getattr(_local, "recording", False)


def _render_slots(request: HttpRequest, names: list[str]) -> dict[str, str]:
    """The shopper's own rendering of each slot, with the full request context."""
    global _blank
    if _blank is None:
        _blank = Template("")
    context = RequestContext(request)
    with context.bind_template(_blank):
        return {name: _slot_nodes[name].nodelist.render(context) for name in names}


def _has_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    try:
        return bool(storage._loaded_messages) or bool(storage._queued_messages)
    except AttributeError:
        return True  # an unknown storage: never risk losing a message


def _variant(request: HttpRequest) -> tuple:
    decision = getattr(request, "tracking", None)
    if decision is None:
        from privacy.tracking import tracking_decide

        decision = tracking_decide(request)
    return (decision.dnt, decision.gpc, decision.opted_out)


def _page_key(request: HttpRequest) -> tuple:
    tenant = getattr(request, "tenant", None)
    current = versions()
    return (
        getattr(tenant, "schema_name", ""),
        request.get_host(),
        request.get_full_path(),
        _variant(request),
        timezone.localdate(),
        tuple(current[name] for name in ("hostmap", "catalog", "stock", "storefront", "policy")),
    )


def page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a storefront GET page from process memory, for every shopper (see above).

    STOREFRONT_PAGE_CACHE_SECONDS (default 300; 0 turns it off) bounds an entry's
    life; versions make edits show at once.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        ttl = getattr(settings, "STOREFRONT_PAGE_CACHE_SECONDS", 300)
        if not ttl or request.method != "GET" or _has_messages(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        entry = _pages.get(key)
        if entry is None:
            _local.recording = True
            try:
                response = view(request, *args, **kwargs)
            finally:
                _local.recording = False
            entry = _page_entry(request, response)
            if entry is None:  # not stored: this shopper's slots go in, and it is sent
                if not response.streaming and SLOT_MARK.encode() in response.content:
                    parts = response.content.decode(response.charset).split(SLOT_MARK)
                    response.content = _fill(request, parts)
                return response
            _pages.set(key, entry, ttl)
        content_type, headers, parts, anonymous = entry
        content = anonymous if _is_anonymous(request) else _fill(request, parts)
        response = HttpResponse(content, content_type=content_type)
        for name, value in headers:
            response[name] = value
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapped


def _is_anonymous(request: HttpRequest) -> bool:
    """No session cookie: every slot renders as for a new visitor."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _fill(request: HttpRequest, parts: list[str], *, anonymous: bool = False) -> str:
    """The page with each slot (odd parts are slot names) rendered for this shopper."""
    if len(parts) == 1:
        return parts[0]
    if anonymous or _is_anonymous(request):
        request = _new_visitor(request)
    rendered = _render_slots(request, sorted(set(parts[1::2])))
    return "".join(rendered[part] if i % 2 else part for i, part in enumerate(parts))


def _new_visitor(request: HttpRequest) -> HttpRequest:
    """The request as a new visitor makes it: no cookie, no session, no user."""
    from django.contrib.auth.models import AnonymousUser

    visitor = copy.copy(request)
    visitor.COOKIES = {}
    visitor.META = {k: v for k, v in request.META.items() if k != "HTTP_COOKIE"}
    visitor.user = AnonymousUser()
    visitor.__dict__.pop("session", None)
    visitor.__dict__.pop("_messages", None)
    return visitor


def _page_entry(request: HttpRequest, response: HttpResponse) -> tuple | None:
    """What to keep of a freshly rendered page, or None when it must not be kept."""
    uses_nonce = bool(getattr(request, "_csp_nonce", None))
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or uses_nonce
        or _has_messages(request)
    ):
        return None
    parts = response.content.decode(response.charset).split(SLOT_MARK)
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in ("content-type", "content-length", "vary")
    ]
    return (response["Content-Type"], headers, parts, _fill(request, parts, anonymous=True))


def page_cache_clear() -> None:
    """Forget every cached page in this process (tests)."""
    _pages.clear()
