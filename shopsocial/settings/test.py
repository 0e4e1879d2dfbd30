"""Tests: real PostgreSQL (DATABASE_URL, or the embedded server), eager Celery, anymail's test backend.

The embedded server is started by the test session (tests/conftest.py), not here.
"""

from shopsocial.embedded_db import EMBEDDED_DATABASE_URL

from .base import *  # noqa: F403
from .base import CACHES, MEDIA_STORAGES, database_config, env

SECRET_KEY = env.str("SECRET_KEY", default="test-only-key")
DATABASES = {"default": database_config(env.str("DATABASE_URL", default=EMBEDDED_DATABASE_URL))}
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=["dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy1sb24="]
)
OFFLINE_GATEWAY_WEBHOOK_SECRET = env.str(
    "OFFLINE_GATEWAY_WEBHOOK_SECRET", default="whsec_offline_test_secret"
)

SHOP_DOMAIN = env.str("SHOP_DOMAIN", default="shop.test")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[SHOP_DOMAIN, f".{SHOP_DOMAIN}"])
SHOP_SCHEME = env.str("SHOP_SCHEME", default="http")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_TRUSTED_ORIGINS = ["http://shop.test", "http://www.shop.test"]
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=False)  # tests of 2FA turn it on

# Tests always run tasks inline, whatever broker the environment names; tests of
# the broker-down path patch the dispatch explicitly.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    alias: {
        key: value
        for key, value in {
            **cfg,
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        }.items()
        if key != "LOCATION"
    }
    for alias, cfg in CACHES.items()
}
STORAGES = {
    **MEDIA_STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The offline gateway stands in for Stripe here (production refuses it: orders.checks).
PAYMENTS_OFFLINE_ALLOWED = True
# No sales tax unless a test names nexus states (tests of tax override this).
TAX_NEXUS_STATES: list[str] = []
# Tests of `serve` must not start the in-process beat thread (a test turns it on).
SERVE_RUNS_BEAT = False
# Live chat: consumer tests use the in-memory layer (one process); the browser test
# and the benchmark run a real ASGI server with the layer they configure.
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CHAT_OFFICE_HOURS = "always"
# --- hardening: one process here; production requires REDIS_URL (shopsocial.E030).
REDIS_REQUIRED = False
# --- end hardening
