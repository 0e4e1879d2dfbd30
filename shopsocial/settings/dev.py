"""Development: works with nothing but Python and uv.

Plain HTTP on localhost:8000, a fixed field-encryption key, the admin without TOTP; no
DATABASE_URL -> the embedded PostgreSQL under .local/ (started by manage.py, see
shopsocial/embedded_db.py); no broker -> Celery eager; email printed to the console and
kept as .eml files under .local/mail/. Every value can still be set in the environment.
"""

from shopsocial.embedded_db import EMBEDDED_DATABASE_URL

from .base import *  # noqa: F403
from .base import BASE_DIR, MEDIA_STORAGES, SHOP_DOMAIN, database_config, env

SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
DEBUG = env.bool("DEBUG", default=True)
DATABASES = {"default": database_config(env.str("DATABASE_URL", default=EMBEDDED_DATABASE_URL))}
# A fixed development key (Fernet format); production sets its own.
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=["ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="]
)
OFFLINE_GATEWAY_WEBHOOK_SECRET = env.str(
    "OFFLINE_GATEWAY_WEBHOOK_SECRET", default="whsec_offline_dev_secret"
)

# Plain HTTP on a developer's machine.
SHOP_SCHEME = env.str("SHOP_SCHEME", default="http")
SHOP_PORT = env.str("SHOP_PORT", default=":8000")  # `serve --port N` sets SHOP_PORT=:N
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS",
    default=[f"http://{SHOP_DOMAIN}:8000", f"http://www.{SHOP_DOMAIN}:8000"],
)
# The demo admin signs in with a password only; production requires TOTP.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=False)

if "EMAIL_BACKEND" not in env.ENVIRON:
    MAILERS = {"default": {"BACKEND": "shopsocial.mail.backends.ConsoleAndFileEmailBackend"}}
STORAGES = {
    **MEDIA_STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEV_MAIL_DIR = env.path("DEV_MAIL_DIR", default=BASE_DIR / ".local" / "mail")
# The offline gateway stands in for Stripe here (production refuses it: orders.checks).
PAYMENTS_OFFLINE_ALLOWED = True
# Live chat is offered at any hour in development (production: Mon-Fri 8-17 Pacific).
CHAT_OFFICE_HOURS = env.str("CHAT_OFFICE_HOURS", default="always")
# --- hardening: one process here; production requires REDIS_URL (shopsocial.E030).
REDIS_REQUIRED = False
# --- end hardening

# --- scale: a streaming read replica when REPLICA_DATABASE_URL is set (shopsocial/db_router.py)
if env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = database_config(env.str("REPLICA_DATABASE_URL"))
# --- end scale

# A terminal: plain log lines (production writes JSON), and the dev beat's task results
# (15 tasks, every 30-60 s) only when they fail.
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="plain")  # noqa: F405
LOGGING["loggers"]["celery.app.trace"] = {"level": env.str("TASK_LOG_LEVEL", default="WARNING")}  # noqa: F405
