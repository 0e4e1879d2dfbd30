"""Tokens in the links we email: password reset (Django's own generator), email
verification (the same scheme, bound to the address being proved) and order status.

Every token is single use or revocable, and none is ever stored: links are built when
the email is rendered (`links.py`), so the outbox rows hold only ids.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import signing
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from .models import AccountEmail

password_reset_token = default_token_generator


def uid_encode(user_id: int) -> str:
    return urlsafe_base64_encode(force_bytes(user_id))


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Proves the holder received mail at the account's pending address.

    The hash covers the pending address (and when it was last asked for) and the verified
    one, so the link dies once it is used (pending is cleared), when a new link or another
    change is asked for, or when the password changes. It expires after ACCOUNT_EMAIL_VERIFY_SECONDS.
    """

    key_salt = "orders.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        record = AccountEmail.objects.filter(user_id=user.pk).first()
        pending = record.pending_email if record else ""
        since = record.pending_since.isoformat() if record and record.pending_since else ""
        verified = record.verified_email if record else ""
        return (
            f"{user.pk}|{user.password}|{user.is_active}|{pending}|{since}|{verified}|{timestamp}"
        )

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return self._num_seconds(self._now()) - ts <= settings.ACCOUNT_EMAIL_VERIFY_SECONDS


email_verification_token = EmailVerificationTokenGenerator()

# --- Order status ------------------------------------------------------------------
_ORDER_STATUS_SALT = "orders.accounts.order-status"


def _order_status_signer() -> signing.Signer:
    # No timestamp: the same order and version always give the same link (the page, the
    # confirmation and the shipping email agree); revocation bumps the version.
    return signing.Signer(salt=_ORDER_STATUS_SALT, algorithm="sha256")


def order_status_token_make(*, order_id: int, version: int) -> str:
    """A signed (HMAC-SHA256, SECRET_KEY), URL-safe token naming the order and link version."""
    return _order_status_signer().sign_object([order_id, version])


def order_status_token_read(token: str) -> tuple[int, int] | None:
    try:
        order_id, version = _order_status_signer().unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(order_id, int) or not isinstance(version, int):
        return None
    return order_id, version
