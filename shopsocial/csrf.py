"""CSRF: browser fetch metadata first, Django's token where a browser gave no signal.

django-modern-csrf accepts a POST on its headers (`Sec-Fetch-Site`, `Origin`) so the
storefront can stay cookie-free. On its own it also accepts a POST that carries
*neither* header (an old browser, a script, a proxy that strips them): no signal
was read as "fine". Here such a request falls through to
`django.middleware.csrf.CsrfViewMiddleware` (next in MIDDLEWARE), which wants a
same-origin Referer over HTTPS and a token; storefront pages render no token, so a
signal-less POST to them is refused.

The admin keeps Django's token check in every case: headers may refuse an admin
POST (cross-site), never accept one on their own.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from modern_csrf.middleware import ModernCsrfViewMiddleware

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _is_admin(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.app_names


def _has_browser_signal(request: HttpRequest) -> bool:
    return "HTTP_ORIGIN" in request.META or "HTTP_SEC_FETCH_SITE" in request.META


class FetchMetadataCsrfMiddleware(ModernCsrfViewMiddleware):
    """ModernCsrfViewMiddleware that never waves through a POST it has no signal for."""

    def process_view(
        self, request, callback, callback_args, callback_kwargs
    ) -> HttpResponse | None:
        if (
            request.method in SAFE_METHODS
            or getattr(callback, "csrf_exempt", False)
            or getattr(request, "csrf_processing_done", False)
            or getattr(request, "_dont_enforce_csrf_checks", False)
        ):
            return super().process_view(request, callback, callback_args, callback_kwargs)
        if not _has_browser_signal(request):
            return None  # Django's CsrfViewMiddleware decides: Referer (HTTPS) + token.
        refusal = super().process_view(request, callback, callback_args, callback_kwargs)
        if refusal is not None:
            return refusal
        if _is_admin(request):
            request.csrf_processing_done = False  # and Django's token check still runs
        return None
