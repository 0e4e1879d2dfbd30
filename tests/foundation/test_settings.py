"""Production settings: check --deploy is clean; a missing SECRET_KEY fails loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    """The test database as a URL (DATABASE_URL's server, or the embedded one's socket)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host = db["HOST"] or db.get("OPTIONS", {}).get("host", "")
    if host.startswith("/"):
        return f"postgres://{auth}@/{db['NAME']}?host={host}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


def _production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="shopsocial.settings.production",
        SECRET_KEY="x" * 20 + "-production-secret-with-enough-entropy-0123456789abcdef",
        # The test database: some system checks query it.
        DATABASE_URL=_test_database_url(),
        FIELD_ENCRYPTION_KEYS="cHJvZHVjdGlvbi1rZXktZm9yLXRlc3RzLTMyLWJ5dGU=",
        SHOP_DOMAIN="shopsocialscenes.com",
        # Production refuses the offline gateway (orders.E001): real Stripe keys.
        STRIPE_SECRET_KEY="sk_live_test_only",
        STRIPE_WEBHOOK_SECRET="whsec_test_only",
        # Production refuses to start without Redis (shopsocial.E030): this run's Redis.
        REDIS_URL=os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0",
        # Uploads in object storage (no connection is made by the checks).
        MEDIA_S3_BUCKET="shopsocial-media",
        MEDIA_S3_PRIVATE_BUCKET="shopsocial-private",
    )
    for key in (
        "SECURE_SSL_REDIRECT",
        "SECURE_COOKIES",
        "SECURE_HSTS_SECONDS",
        "DEBUG",
        "PAYMENTS_OFFLINE_DEMO",
    ):
        env.pop(key, None)
    env.update(overrides)
    return env


@pytest.mark.django_db
def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_missing_secret_key_in_production_fails_with_clear_message():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("command", [["check", "--deploy"], ["migrate_schemas", "--plan"]])
def test_production_without_stripe_keys_refuses_to_run(command):
    env = _production_env(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="")
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "orders.E001" in result.stderr


@pytest.mark.django_db
def test_production_offline_demo_switch_runs_with_a_warning():
    env = _production_env(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="")
    env.update(PAYMENTS_OFFLINE_DEMO="true", OFFLINE_GATEWAY_WEBHOOK_SECRET="whsec_demo_secret")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "orders.W001" in result.stdout + result.stderr
