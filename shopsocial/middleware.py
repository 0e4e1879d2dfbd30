"""Project-wide request hygiene, outermost in MIDDLEWARE.

- `SecurityHeadersMiddleware` (first): every response leaves with the security
  headers, whoever produced it. Pages answered by other middleware (no such shop,
  shop closed, a 400 for a disallowed Host, this module's own 400s) and error pages
  never reach Django's SecurityMiddleware / CSP / X-Frame-Options hooks, because
  those sit further in; this applies the very same hooks once more on the way out
  (they only fill what is missing, so views that set their own, such as /media/'s
  sandbox CSP, keep theirs).
- `RequestSanityMiddleware` (second): input no page can mean is refused with a 400
  before any view or query sees it: NUL and other control characters in the path,
  the query string, header values or the body of any type (url-encoded and
  multipart form fields and file names, JSON and text), and bytes that are
  not UTF-8 in the path or the query string. PostgreSQL cannot store or compare a
  NUL, so letting one through turns into a 500 deep inside a query.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.cache import patch_cache_control

# No control character belongs in a path; query values may carry a textarea's
# tab and line breaks; header values may carry a tab.
_CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_IN_HEADER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._hooks = (
            SecurityMiddleware(get_response),
            ContentSecurityPolicyMiddleware(get_response),
            XFrameOptionsMiddleware(get_response),
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for hook in self._hooks:
            response = hook.process_response(request, response)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        if _signed_in(request):
            _mark_private(response)
        return response


def _signed_in(request: HttpRequest) -> bool:
    """A signed-in request (only looked at when it carries a session cookie, so an
    anonymous page costs nothing here)."""
    # The raw header, not request.COOKIES: a header that cannot even be decoded was
    # answered further in, and must not turn into an error here on the way out.
    if settings.SESSION_COOKIE_NAME not in request.META.get("HTTP_COOKIE", ""):
        return False
    try:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
    except UnicodeError:
        return False


def _mark_private(response: HttpResponse) -> None:
    """A signed-in person's page is never stored by a shared cache (issue 30 item 11):
    `Cache-Control: private`, without `public` or `s-maxage`."""
    directives = response.get("Cache-Control", "")
    if "no-store" in directives:
        return  # stored by no cache at all: stronger than private
    if "s-maxage" in directives:
        parts = [d for d in directives.split(",") if not d.strip().startswith("s-maxage")]
        response["Cache-Control"] = ",".join(parts).strip(" ,")
    patch_cache_control(response, private=True)


def _bad_query_string(raw: str) -> str | None:
    for part in re.split(r"[&;]", raw):
        for piece in part.split("=", 1):
            try:
                text = unquote_to_bytes(piece.replace("+", " ")).decode("utf-8")
            except UnicodeDecodeError:
                return "The query string is not valid UTF-8."
            if _CONTROL_IN_TEXT.search(text):
                return "The query string contains control characters."
    return None


def request_problem(request: HttpRequest) -> str | None:
    """Why this request cannot be meant (a short reason), or None when it is fine."""
    # Django re-percent-encodes path bytes that are not UTF-8 (repercent_broken_unicode).
    try:
        path = unquote_to_bytes(request.path_info).decode("utf-8")
    except UnicodeDecodeError:
        return "The address is not valid UTF-8."
    if _CONTROL_IN_PATH.search(path):
        return "The address contains control characters."
    if problem := _bad_query_string(request.META.get("QUERY_STRING", "")):
        return problem
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and _CONTROL_IN_HEADER.search(value):
            return "A request header contains control characters."
    if request.method in _BODY_METHODS:
        return _body_problem(request)
    return None


def _body_problem(request: HttpRequest) -> str | None:
    """A NUL in any body type: form fields (url-encoded and multipart, names, values and
    upload file names), and JSON or text bodies (raw, or JSON's \\u0000 escape)."""
    if request.content_type in _FORM_TYPES:
        try:
            fields = list(request.POST.lists())
            files = list(request.FILES.lists())
        except MultiPartParserError:
            return "The form body cannot be read."
        for key, values in fields:
            if "\x00" in key or any("\x00" in v for v in values):
                return "A form field contains a NUL character."
        for key, uploads in files:
            if "\x00" in key or any("\x00" in (upload.name or "") for upload in uploads):
                return "A form field contains a NUL character."
        return None
    body = request.body
    if b"\x00" in body or b"\\u0000" in body:
        return "The request body contains a NUL character."
    return None


class RequestSanityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if problem := request_problem(request):
            return HttpResponseBadRequest(
                f"Bad request: {problem}\n", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class CacheBatchMiddleware:
    """The request's shared-cache scope (shopsocial/cache.py). Its first read (the host
    -> retailer entry when this process does not keep it, or else what the page reads
    first) also reads the category tree (the category and search views start with it),
    the next stock-hold expiry (product, cart and scene pages) and the session (when the
    request carries a session cookie): one MGET, and none for a request that reads
    nothing. What pages read later is added in one more MGET: by the view with its
    fragments (storefront.caching.fragments_prefetch), or by the first context processor
    (shopsocial.context_processors.shared_cache_prefetch). Sits just before the tenant
    middleware, which reads the host entry.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from shopsocial.cache import request_scope

        with request_scope():
            self._prefetch(request)
            return self.get_response(request)

    @staticmethod
    def _prefetch(request: HttpRequest) -> None:
        from importlib import import_module

        from django.core.cache import caches

        from shopsocial.invalidation import CACHE_ALIAS, CATEGORY_TREE, NEXT_HOLD_EXPIRY

        cache = caches[CACHE_ALIAS]
        if not hasattr(cache, "prefetch"):
            return  # not the Redis backend (development without REDIS_URL)
        # The category and search views read the tree before anything; the product,
        # cart and scene pages first check for expired stock holds (orders/services/holds).
        keys = [CATEGORY_TREE, NEXT_HOLD_EXPIRY]
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        if (
            settings.SESSION_CACHE_ALIAS == CACHE_ALIAS
            and settings.SESSION_ENGINE.endswith("cached_db")
            and _SESSION_KEY.fullmatch(session_key)
        ):
            store = import_module(settings.SESSION_ENGINE).SessionStore
            keys.append(store(session_key=session_key).cache_key)
        cache.prefetch_later(keys)


_SESSION_KEY = re.compile(r"[a-z0-9]{8,64}")
