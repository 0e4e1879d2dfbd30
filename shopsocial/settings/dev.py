"""Development: works with nothing but Python and uv.

No DATABASE_URL -> embedded PostgreSQL under .local/; no broker -> Celery eager;
email printed to the console and kept as .eml files under .local/mail/.
"""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("SHOP_SCHEME", "http")
# The demo admin signs in with a password only; production requires TOTP.
os.environ.setdefault("ADMIN_REQUIRE_2FA", "false")
os.environ.setdefault("SHOP_PORT", os.environ.get("SHOP_DEV_PORT", ":8000"))
# A fixed development key (Fernet format); production sets its own.
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc=")
os.environ.setdefault("OFFLINE_GATEWAY_WEBHOOK_SECRET", "whsec_offline_dev_secret")
if not os.environ.get("DATABASE_URL"):
    from shopsocial.embedded_db import embedded_database_url

    os.environ["DATABASE_URL"] = embedded_database_url()
os.environ.setdefault("EMAIL_BACKEND", "shopsocial.mail.backends.ConsoleAndFileEmailBackend")

from .base import *  # noqa: E402, F403
from .base import BASE_DIR, MEDIA_STORAGES, SHOP_DOMAIN  # noqa: E402

if not os.environ.get("CSRF_TRUSTED_ORIGINS"):
    CSRF_TRUSTED_ORIGINS = [f"http://{SHOP_DOMAIN}:8000", f"http://www.{SHOP_DOMAIN}:8000"]
STORAGES = {
    **MEDIA_STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEV_MAIL_DIR = os.environ.get("DEV_MAIL_DIR") or BASE_DIR / ".local" / "mail"
# The offline gateway stands in for Stripe here (production refuses it: orders.checks).
PAYMENTS_OFFLINE_ALLOWED = True
