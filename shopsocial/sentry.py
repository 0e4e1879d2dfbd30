"""Sentry error reporting, on only when SENTRY_DSN is set, with personal data scrubbed.

`send_default_pii=False` keeps the SDK from attaching cookies, the user's email, IP
address and request bodies; the `EventScrubber` masks the values of keys that name
secrets or personal data wherever they appear (request data, headers, local variables
in stack frames, extra); `event_scrub` then masks anything shaped like an email
address, SSN/EIN or card number left in messages and exception values.
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

from shopsocial.observability import pii_redact

DENYLIST = [
    *DEFAULT_DENYLIST,
    *DEFAULT_PII_DENYLIST,
    "email",
    "to",
    "phone",
    "tax_id",
    "ssn",
    "ein",
    "first_name",
    "last_name",
    "name",
    "address",
    "address_line1",
    "address_line2",
    "postal_code",
    "card",
    "card_number",
    "otp_token",
    "new_password1",
    "new_password2",
    "old_password",
]


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return pii_redact(value)
    if isinstance(value, dict):
        return {k: _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def event_scrub(event: dict, hint: dict) -> dict:
    """before_send: redact PII-shaped strings the key-based scrubber cannot know about."""
    for key in ("message", "logentry", "exception", "breadcrumbs", "extra", "request"):
        if key in event:
            event[key] = _redact(event[key])
    event.pop("user", None)
    event.pop("server_name", None)
    return event


def sentry_init(*, dsn: str, environment: str, release: str = "", transport=None) -> None:
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=True,
        max_request_body_size="never",
        event_scrubber=EventScrubber(denylist=DENYLIST, recursive=True),
        before_send=event_scrub,
        traces_sample_rate=0.0,
        transport=transport,
    )
