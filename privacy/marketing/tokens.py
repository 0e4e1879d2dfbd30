"""Signed tokens (django.core.signing, one salt per purpose).

- unsubscribe: the subscriber id, signed, no expiry: it works for the life of the
  address (CAN-SPAM asks for at least 30 days; mailbox providers for "always").
- confirm: the subscription id, timestamped; the double opt-in link lasts 7 days.
- survey: the order id, timestamped; a survey link lasts 180 days.

The tokens carry ids, never an email address, so URLs in logs hold no personal data.
"""

from __future__ import annotations

from django.core import signing

UNSUBSCRIBE_SALT = "marketing.unsubscribe.v1"
CONFIRM_SALT = "marketing.confirm.v1"
SURVEY_SALT = "marketing.survey.v1"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 7
SURVEY_MAX_AGE = 60 * 60 * 24 * 180


def _read_id(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def unsubscribe_token_make(subscriber_id: int) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber_id))


def unsubscribe_token_read(token: str) -> int | None:
    try:
        return _read_id(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except signing.BadSignature:
        return None


def confirm_token_make(subscription_id: int) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(subscription_id))


def confirm_token_read(token: str) -> int | None:
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return _read_id(value)


def survey_token_make(order_id: int) -> str:
    return signing.TimestampSigner(salt=SURVEY_SALT).sign(str(order_id))


def survey_token_read(token: str) -> int | None:
    try:
        value = signing.TimestampSigner(salt=SURVEY_SALT).unsign(token, max_age=SURVEY_MAX_AGE)
    except signing.BadSignature:
        return None
    return _read_id(value)
