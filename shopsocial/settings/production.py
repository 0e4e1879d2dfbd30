"""Production: the base settings are production-safe as they stand.

The email service provider is chosen by EMAIL_BACKEND plus its ANYMAIL_* credentials.
"""

from .base import *  # noqa: F403
