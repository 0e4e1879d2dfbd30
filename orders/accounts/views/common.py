"""What the account views share: the site a request is on, private responses, rate limits."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from shopsocial.mail.addresses import email_normalise
from shopsocial.responses import private_response  # noqa: F401  (the account views' import)

from ..links import site_slug  # noqa: F401  (the account views' import)


# --- Shared: private pages, rate limits ------------------------------------------------
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
