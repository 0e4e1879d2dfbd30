"""Leaner drop-in versions of three Django middlewares (measured: bench/README.md).

Every request pays for each middleware, so these do nothing a request does not
need: messages are loaded only when something reads or adds one, the
Content-Security-Policy header is built once per policy, not once per response, and
a signed-in person's user row comes from process memory on page views
(shopsocial/user_cache.py: the session's auth hash is still verified each time).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.middleware.csp import ContentSecurityPolicyMiddleware, get_nonce
from django.utils.csp import CSP, build_policy
from django.utils.functional import SimpleLazyObject, empty

from .user_cache import user_get


class CachedUserAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, reading the user through `user_get`."""

    def process_request(self, request):
        super().process_request(request)  # Django's checks and `request.auser`
        request.user = SimpleLazyObject(lambda: _user(request))


def _user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = user_get(request)
    return request._cached_user


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware, creating the storage only when it is used.

    The storage reads the messages cookie and the session and builds a cookie
    signer; most pages never show a message. When nothing touched the storage
    there is nothing to store, exactly as Django's `update()` would decide.
    """

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        storage = getattr(request, "_messages", None)
        if type(storage) is SimpleLazyObject and storage._wrapped is empty:
            return response
        return super().process_response(request, response)


class CachedContentSecurityPolicyMiddleware(ContentSecurityPolicyMiddleware):
    """Django's CSP middleware, with the header for SECURE_CSP built once.

    Falls back to Django's own code whenever the response is not the plain case:
    a nonce was used, a view set its own policy, or a report-only policy is set.
    """

    _built: tuple[object, str] | None = None

    def process_response(self, request, response):
        nonce = get_nonce(request)
        if (
            nonce
            or hasattr(response, "_csp_config")
            or hasattr(response, "_csp_ro_config")
            or settings.SECURE_CSP_REPORT_ONLY
        ):
            return super().process_response(request, response)
        config = settings.SECURE_CSP
        if config and CSP.HEADER_ENFORCE not in response:
            built = self._built
            if built is None or built[0] is not config:
                built = self._built = (config, build_policy(config))
            response.headers[str(CSP.HEADER_ENFORCE)] = built[1]
        return response
