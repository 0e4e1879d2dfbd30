"""What the account views share: the site a request is on, private responses, rate limits."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django_ratelimit.core import is_ratelimited

from shopsocial.mail.addresses import email_normalise


def site_slug(request: HttpRequest) -> str:
    """The storefront the person is on ("" on the company site): links go back there."""
    return "" if request.tenant.is_company else request.tenant.slug


# --- Shared: private pages, rate limits ------------------------------------------------
def private_response(response: HttpResponse) -> HttpResponse:
    """Pages reached through a secret link or about one person: never cached, no Referer."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def reset_minutes_setting() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 60


def recovery_limited(request: HttpRequest, *, group: str, value: str = "") -> bool:
    """Count this POST per client address and per typed address/identifier."""
    rate = settings.ACCOUNT_RECOVERY_RATE
    by_ip = is_ratelimited(
        request, group=f"{group}:ip", key="ip", rate=rate, method="POST", increment=True
    )
    by_value = bool(value) and is_ratelimited(
        request,
        group=f"{group}:value",
        key=lambda _group, _request: email_normalise(value),
        rate=rate,
        method="POST",
        increment=True,
    )
    return by_ip or by_value
