"""Tests: real PostgreSQL (DATABASE_URL, or the embedded server), eager Celery, anymail's test backend."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key")
os.environ.setdefault("SHOP_DOMAIN", "shop.test")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SHOP_SCHEME", "http")
os.environ.setdefault("ADMIN_REQUIRE_2FA", "false")  # tests of 2FA turn it on
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy1sb24=")
os.environ.setdefault("OFFLINE_GATEWAY_WEBHOOK_SECRET", "whsec_offline_test_secret")
if not os.environ.get("DATABASE_URL"):
    from shopsocial.embedded_db import embedded_database_url

    os.environ["DATABASE_URL"] = embedded_database_url()

from .base import *  # noqa: E402, F403
from .base import CACHES, MEDIA_STORAGES  # noqa: E402

# Tests always run tasks inline, whatever broker the environment names; tests of
# the broker-down path patch the dispatch explicitly.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CSRF_TRUSTED_ORIGINS = ["http://shop.test", "http://www.shop.test"]
CACHES = {
    alias: {**cfg, "BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    for alias, cfg in CACHES.items()
}
for _cfg in CACHES.values():
    _cfg.pop("LOCATION", None)
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
