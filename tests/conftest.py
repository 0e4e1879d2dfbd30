"""Test fixtures: real PostgreSQL, real django-tenants schemas.

The public tenant and two retailers (alice, bob) are created once per session and
committed; each test runs in a transaction that rolls back. Tests that need real
commits (`transactional_db`) flush the tables; the `company`/`alice`/`bob`
fixtures re-create the rows then, reusing the schemas already migrated.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection

from retailers.models import Retailer

SHOP = "shop.test"
COMPANY_HOST = f"www.{SHOP}"
ALICE_HOST = f"alice.{SHOP}"
BOB_HOST = f"bob.{SHOP}"

TEST_RETAILERS = {
    "alice": {
        "display_name": "Alice's Attic",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78701",
    },
    "bob": {"display_name": "Bob's Barn", "city": "Boise", "state": "ID", "postal_code": "83702"},
}


def pytest_configure(config: pytest.Config) -> None:
    """With no DATABASE_URL the test settings name the embedded PostgreSQL: start it.

    The settings module only names it; this session keeps it running until it exits.
    """
    from django.conf import settings

    from shopsocial.embedded_db import embedded_server_ensure

    embedded_server_ensure(settings.DATABASES["default"])


def tenants_ensure() -> dict[str, Retailer]:
    from orders.demo import shipping_methods_ensure
    from retailers.services import company_tenant_ensure, retailer_provision

    shipping_methods_ensure()  # seeded by a migration; re-made after a flush
    tenants = {"company": company_tenant_ensure()}
    for slug, fields in TEST_RETAILERS.items():
        retailer = Retailer.objects.filter(slug=slug).first()
        tenants[slug] = retailer or retailer_provision(slug=slug, **fields)
    return tenants


# --- hardening: the ledger refuses TRUNCATE (retailers/earnings migration 0006). The
# test suite's flush after a `transactional_db` test is one TRUNCATE of every table, so it
# runs with triggers off for that one transaction only (a superuser setting, SET LOCAL).
def _flush_past_ledger_guard() -> None:
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "ledger_guard_aware", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        return ["SET LOCAL session_replication_role = replica", *statements]

    sql_flush.ledger_guard_aware = True
    DatabaseOperations.sql_flush = sql_flush


_flush_past_ledger_guard()
# --- end hardening


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        tenants_ensure()


def _caches_clear() -> None:
    for alias in ("default", "shared"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path_factory):
    """Private files written by tests go to a temporary folder, never under .local/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.getbasetemp() / "private-media"


@pytest.fixture(autouse=True)
def _isolate_tenancy():
    _caches_clear()
    yield
    connection.set_schema_to_public()
    _caches_clear()


@pytest.fixture
def tenants(db) -> dict[str, Retailer]:
    return tenants_ensure()


@pytest.fixture
def company(tenants) -> Retailer:
    return tenants["company"]


@pytest.fixture
def alice(tenants) -> Retailer:
    return tenants["alice"]


@pytest.fixture
def bob(tenants) -> Retailer:
    return tenants["bob"]
