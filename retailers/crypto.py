"""Field encryption for retailer SSN/EIN: Fernet with key rotation (MultiFernet).

`settings.FIELD_ENCRYPTION_KEYS` lists Fernet keys newest first: new writes use the
first key, every listed key can decrypt. To rotate, put a new key in front, then run
`manage.py retailers_rotate_tax_ids` to re-encrypt the rows under it, then drop the
old key. Plain values never reach logs: callers hold them only in local variables.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """The ciphertext was not made by any configured key (or was tampered with)."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold url-safe base64 Fernet keys."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plain: str) -> str:
    return fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("cannot decrypt with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt under the newest key (MultiFernet.rotate)."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("cannot decrypt with the configured keys") from exc
