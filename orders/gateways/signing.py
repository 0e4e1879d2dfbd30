"""Webhook signatures in Stripe's `t=<unix time>,v1=<hex HMAC-SHA256>` scheme, without Stripe.

The offline gateway signs and verifies its events with these, so its deliveries look
exactly like Stripe's (and the tests can sign with `stripe.WebhookSignature`). Only
`stripe.py` imports the `stripe` library; this module needs nothing but the standard
library.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from .base import SignatureError

# Stripe's own default: events older than five minutes are refused (replays).
SIGNATURE_TOLERANCE_SECONDS = 300


def _signature(*, payload: bytes, secret: str, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(*, payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header value for a raw body."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={_signature(payload=payload, secret=secret, timestamp=timestamp)}"


def signature_verify(
    *,
    payload: bytes,
    header: str | None,
    secret: str,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
    now: int | None = None,
) -> None:
    """Raise SignatureError unless `header` signs `payload` with `secret`, recently enough."""
    if not header or not secret:
        raise SignatureError("missing signature")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit() and len(value) < 12:
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureError("malformed signature header")
    expected = _signature(payload=payload, secret=secret, timestamp=timestamp)
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise SignatureError("signature mismatch")
    now = int(time.time()) if now is None else now
    if tolerance and timestamp < now - tolerance:
        raise SignatureError("stale signature")
    signature_not_from_the_future(header=header, tolerance=tolerance, now=now)


def signature_not_from_the_future(
    *, header: str | None, tolerance: int = SIGNATURE_TOLERANCE_SECONDS, now: int | None = None
) -> None:
    """Refuse a signed timestamp more than `tolerance` ahead of our clock (issue 30
    item 11). Stripe's library checks only the past; a signature made "in the future"
    would otherwise stay replayable for as long as its timestamp is ahead."""
    if not tolerance:
        return
    now = int(time.time()) if now is None else now
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit() and len(value) < 12 and int(value) > now + tolerance:
            raise SignatureError("signature timestamp in the future")
