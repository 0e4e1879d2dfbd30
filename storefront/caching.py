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
import json
import threading
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import Template
from django.template.context import RequestContext
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from shopsocial.versions import NAMES as VERSION_NAMES
from shopsocial.versions import (
    ProcessLRU,
    version,
    version_bump,
    version_bump_now_and_on_commit,
    versions,
)


# --- Versions ---------------------------------------------------------------------
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


def _render_slots(
    request: HttpRequest, names: list[str], context: dict | None = None
) -> dict[str, str]:
    """This shopper's rendering of each slot, with the request's full template context."""
    global _blank
    if _blank is None:
        _blank = Template("")
    full = RequestContext(request)
    if context:
        full.push(context)  # above the context processors, as render() does
    with full.bind_template(_blank):
        return {name: _slot_nodes[name].nodelist.render(full) for name in names}


# Slots whose output depends only on the page's key, the shopper's session data (cart,
# signed-in user and auth hash, discount code...), the shared versions and, for the
# cart page, the plain values of the view's context: rendered once per combination and
# kept (a shopper browsing sees each page's slots rendered once). What reads state no
# version covers (a scene's banner, a discount code's validity) calls `slot_live`.
MEMO_SLOTS = frozenset(
    {
        "cart",
        "account",
        "account_mobile",
        "notices",
        "free_shipping_hint",
        "cart_page",
        "scene_banner",
    }
)
_slot_memo = ProcessLRU(max_entries=2000)  # slots of 1-10 kB: at most ~20 MB
_SLOT_MEMO_SECONDS = 30
_PLAIN = (str, int, bool, float, Decimal, type(None))


def slot_live(request: HttpRequest) -> None:
    """Called while rendering a slot that read something no version covers (a discount
    code's validity): this request's slots are not kept."""
    request._slot_live = True


def _session_digest(request: HttpRequest) -> str | None:
    """The session's data as a key (JSON, sorted; "" with no session), or None when it
    cannot be one."""
    session = getattr(request, "session", None)
    if session is None:
        return ""
    try:
        return json.dumps(session._get_session(), sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return None


def _context_key(context: dict | None) -> tuple:
    """The plain values of a view's context (str, numbers, None, lists of them). Other
    values (the cart's lines) must be functions of the session data and the versions:
    that is `render_shopper_page`'s contract."""

    def plain(value: Any) -> bool:
        if isinstance(value, (list, tuple)):
            return all(isinstance(item, _PLAIN) for item in value)
        return isinstance(value, _PLAIN)

    if not context:
        return ()
    return tuple(
        (name, tuple(value) if isinstance(value, list) else value)
        for name, value in sorted(context.items())
        if plain(value)
    )


# What slot output can depend on: every version but "holds" (every order write bumps
# it, and the stock an order moves bumps "stock" itself) and "scenes" (the scene banner
# is live: `slot_live`).
_SLOT_VERSIONS = tuple(name for name in VERSION_NAMES if name not in ("holds", "scenes"))


def _slots_for(
    request: HttpRequest, names: list[str], context: dict | None, page_key: tuple | None
) -> dict[str, str]:
    """`_render_slots`, with the slots of MEMO_SLOTS kept per page, session data, context
    and versions (never when rendering them used the CSP nonce, which is never reused, or
    read something unversioned: `slot_live`)."""
    digest = _session_digest(request) if page_key is not None else None
    if digest is None:
        return _render_slots(request, names, context)
    current = versions()
    key = (page_key, digest, _context_key(context), tuple(current[n] for n in _SLOT_VERSIONS))
    rendered = {name: _slot_memo.get((key, name)) for name in names if name in MEMO_SLOTS}
    missing = [name for name in names if rendered.get(name) is None]
    if missing:
        nonce_before = bool(getattr(request, "_csp_nonce", None))
        request._slot_live = False
        fresh = _render_slots(request, missing, context)
        nonce_used = nonce_before or bool(getattr(request, "_csp_nonce", None))
        keep = not nonce_used and not request._slot_live
        for name, html in fresh.items():
            if name in MEMO_SLOTS and keep:
                _slot_memo.set((key, name), html, _SLOT_MEMO_SECONDS)
        rendered.update(fresh)
    return rendered


_FALLBACK_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"


def _has_messages(request: HttpRequest) -> bool:
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.contrib.messages.storage.session import SessionStorage
    from django.utils.functional import SimpleLazyObject, empty

    cookies = request.COOKIES
    if CookieStorage.cookie_name not in cookies and settings.SESSION_COOKIE_NAME not in cookies:
        return False  # nowhere to keep a message: no need to load the storage
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    if (
        type(storage) is SimpleLazyObject
        and storage._wrapped is empty
        and settings.MESSAGE_STORAGE == _FALLBACK_STORAGE
    ):
        # Not made yet (shopsocial.lean_middleware): Django's default storage keeps
        # messages in its cookie, then in the session; look there without making it.
        if cookies.get(CookieStorage.cookie_name):
            return True
        session = getattr(request, "session", None)
        return session is not None and bool(session.get(SessionStorage.session_key))
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


def _page_key(request: HttpRequest, *extra: object) -> tuple:
    tenant = getattr(request, "tenant", None)
    current = versions()
    return (
        *extra,
        getattr(tenant, "schema_name", ""),
        request.get_host(),
        request.get_full_path(),
        _variant(request),
        timezone.localdate(),
        tuple(current[name] for name in ("hostmap", "catalog", "stock", "storefront", "policy")),
    )


def _ttl() -> int:
    return getattr(settings, "STOREFRONT_PAGE_CACHE_SECONDS", 300)


def _serve(
    request: HttpRequest,
    key: tuple,
    render_page: Callable[[], HttpResponse],
    context: dict | None = None,
) -> HttpResponse:
    """The page for `key` from memory (rendered by `render_page` when missing),
    with its slots rendered for this request (`context` added to theirs)."""
    entry = _pages.get(key)
    if entry is None:
        _local.recording = True
        try:
            response = render_page()
        finally:
            _local.recording = False
        entry = _page_entry(request, response, shared=context is None)
        if entry is None:  # not kept: this shopper's slots go in, and it is sent
            if not response.streaming and SLOT_MARK.encode() in response.content:
                parts = response.content.decode(response.charset).split(SLOT_MARK)
                response.content = _fill(request, parts, context)
            return response
        _pages.set(key, entry, _ttl())
    content_type, headers, parts, anonymous = entry
    if anonymous is not None and _is_anonymous(request):
        content = anonymous
    else:
        content = _fill(request, parts, context, page_key=key)
    response = HttpResponse(content, content_type=content_type)
    for name, value in headers:
        response[name] = value
    patch_vary_headers(response, ("Cookie",))
    return response


def page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a storefront GET page from process memory, for every shopper (see above).

    The view's output must depend only on the request's path, host, storefront and
    the versions in the key; what differs per shopper goes in `{% shopper_slot %}`s.
    STOREFRONT_PAGE_CACHE_SECONDS (default 300; 0 turns it off) bounds an entry's
    life; versions make edits show at once.
    """
    return page_cache_also()(view)


def page_cache_also(*names: str) -> Callable[[Callable[..., HttpResponse]], Callable]:
    """`page_cache` for pages that also depend on the versions `names` (scene pages
    depend on "scenes": a scene edited or closed shows at once)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _ttl() or request.method != "GET" or _has_messages(request):
                return view(request, *args, **kwargs)
            extra = (names, tuple(version(name) for name in names)) if names else ()
            return _serve(
                request, _page_key(request, *extra), lambda: view(request, *args, **kwargs)
            )

        return wrapped

    return decorator


def render_shopper_page(
    request: HttpRequest, template_name: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """`render()` for a page whose own content is the shopper's (the cart page).

    The page around it (header, menu, notices, footer) is kept in memory like any
    cached page; the template marks the shopper's content as a `{% shopper_slot %}`,
    rendered with `context` once per session data, versions and plain context values
    (MEMO_SLOTS). So `context` must be made of plain values (str, numbers, None, lists
    of them) and of values that follow from the session data and the versions alone
    (the cart's lines, priced under the catalog and stock versions).
    """
    from django.shortcuts import render

    if not _ttl() or request.method != "GET" or status != 200 or _has_messages(request):
        return render(request, template_name, context, status=status)
    key = _page_key(request, "shell", template_name)
    return _serve(request, key, lambda: render(request, template_name, context), context)


def _is_anonymous(request: HttpRequest) -> bool:
    """No session cookie: every slot renders as for a new visitor."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _fill(
    request: HttpRequest,
    parts: list[str],
    context: dict | None = None,
    *,
    anonymous: bool = False,
    page_key: tuple | None = None,
) -> str:
    """The page with each slot (odd parts are slot names) rendered for this shopper."""
    if len(parts) == 1:
        return parts[0]
    if anonymous or _is_anonymous(request):
        request = _new_visitor(request)
    rendered = _slots_for(request, sorted(set(parts[1::2])), context, page_key)
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


def _page_entry(request: HttpRequest, response: HttpResponse, *, shared: bool) -> tuple | None:
    """What to keep of a freshly rendered page, or None when it must not be kept.

    `shared`: the slots depend on the request only, so the new visitor's page is
    kept ready too."""
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
    anonymous = _fill(request, parts, anonymous=True) if shared else None
    return (response["Content-Type"], headers, parts, anonymous)


def page_cache_clear() -> None:
    """Forget every cached page and slot in this process (tests)."""
    _pages.clear()
    _slot_memo.clear()


def caches_clear_on_setting_change(**kwargs) -> None:
    from shopsocial.user_cache import user_cache_clear
    from shopsocial.versions import memos_clear

    page_cache_clear()
    memos_clear()
    user_cache_clear()
