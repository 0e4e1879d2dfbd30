"""Per-request privacy decisions: tracking allowed or not, the CSP that follows, Vary."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from .tracking import (
    ANALYTICS_CONNECT_ORIGINS,
    ANALYTICS_SCRIPT_ORIGIN,
    analytics_enabled,
    tracking_decide,
)


def csp_with_analytics(base: dict) -> dict:
    """SECURE_CSP plus the analytics origins (only used when tracking is allowed)."""
    policy = {key: list(values) for key, values in base.items()}
    policy["script-src"] = [*policy.get("script-src", ["'self'"]), ANALYTICS_SCRIPT_ORIGIN]
    policy["connect-src"] = [*policy.get("connect-src", ["'self'"]), *ANALYTICS_CONNECT_ORIGINS]
    policy["img-src"] = [*policy.get("img-src", ["'self'"]), *ANALYTICS_CONNECT_ORIGINS]
    return policy


class TrackingDecisionMiddleware:
    """Sets `request.tracking`; on the way out widens the CSP only when analytics runs.

    Must sit after django.middleware.csp.ContentSecurityPolicyMiddleware in
    MIDDLEWARE, so that its response hook runs first and Django's CSP middleware
    builds the header from the per-response policy (the same attribute Django's
    `csp_override` decorator sets).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tracking = tracking_decide(request)
        response = self.get_response(request)
        if "Vary" in response:
            patch_vary_headers(response, ("DNT", "Sec-GPC", "Cookie"))
        else:  # the common case, without patch_vary_headers' parsing
            response["Vary"] = "DNT, Sec-GPC, Cookie"
        if analytics_enabled(request) and not hasattr(response, "_csp_config"):
            response._csp_config = csp_with_analytics(settings.SECURE_CSP)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
