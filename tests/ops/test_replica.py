"""A streaming replica (pg_basebackup) and the router: stale reads only where harmless.

The harness runs a primary of its own (initdb, the test database copied in with
pg_dump) and a replica made from it with pg_basebackup, both on free ports, and a
gunicorn node pointing at both. The replica's replay is paused to make it visibly stale.

Two anonymous pages show which database served them: the storefront's home page (its
"about" text), which an HTTP cache may keep and so always reads the primary, and the
sitemap (a product's slug), which is not kept and may read the replica.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from ops.stack import AppNode, PostgresServer, app_env, http_get, temp_folder, wait_until
from storefront.content.models import StorefrontProfile
from storefront.models import Product
from tests.conftest import ALICE_HOST
from tests.factories import ProductFactory


@pytest.fixture
def primary_and_replica(tenants):
    with tenant_context(tenants["alice"]):
        StorefrontProfile.objects.update_or_create(pk=1, defaults={"about": "about-v1"})
    connection.set_schema_to_public()
    ProductFactory(sku="REPLICA-1", slug="replica-v1")
    folder = temp_folder("ss-ops-replica-")
    primary = PostgresServer(folder, "primary").init_primary().start()
    replica = None
    try:  # a failed copy or base backup must not leave the primary running
        dbname = "shop"
        s = connection.settings_dict
        source = (
            f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        )
        primary.copy_database_from(source_url=source, dbname=dbname)
        replica = PostgresServer(folder, "replica").init_replica_of(primary).start()
        yield folder, primary, replica, dbname
    finally:
        if replica is not None:
            replica.stop()
        primary.stop()


MAX_LAG = 4  # REPLICA_MAX_LAG_SECONDS


def table() -> str:
    return f"r_alice.{StorefrontProfile._meta.db_table}"


def version_set(primary: PostgresServer, dbname: str, version: str) -> None:
    """The about text and the product's slug at `version` ("v2"), on the primary."""
    primary.sql(dbname, f"UPDATE {table()} SET about = 'about-{version}'")
    primary.sql(
        dbname,
        f"UPDATE public.{Product._meta.db_table} SET slug = 'replica-{version}' "
        "WHERE sku = 'REPLICA-1'",
    )


def replayed(replica: PostgresServer, dbname: str, version: str) -> None:
    query = f"SELECT slug FROM public.{Product._meta.db_table} WHERE sku = 'REPLICA-1'"
    wait_until(
        lambda: replica.sql(dbname, query) == [(f"replica-{version}",)],
        timeout=60,
        what="replica replay",
    )


def replay_age(replica: PostgresServer, dbname: str) -> float:
    """Seconds since the replica's last replayed commit: the lag the router sees while
    replay is paused with WAL waiting."""
    query = "SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
    ((age,),) = replica.sql(dbname, query)
    return float(age)


def shown(port: int, path: str, prefix: str, *, cookie: str = "") -> str:
    headers = {"Cookie": cookie} if cookie else {}
    response = http_get(port, ALICE_HOST, path, headers=headers, timeout=30)
    assert response.status == 200, response.status
    body = response.body.decode()
    return next(v for v in ("v1", "v2", "v3") if f"{prefix}-{v}" in body)


def home(port: int, *, cookie: str = "") -> str:
    """The version the home page shows (a page an HTTP cache may keep)."""
    return shown(port, "/", "about", cookie=cookie)


def sitemap(port: int, *, cookie: str = "") -> str:
    """The version the sitemap shows (a page nothing keeps)."""
    return shown(port, "/sitemap.xml", "replica", cookie=cookie)


@pytest.mark.django_db(transaction=True)
def test_reads_go_to_the_replica_and_fall_back_when_it_lags_or_stops(primary_and_replica):
    folder, primary, replica, dbname = primary_and_replica
    env = app_env(
        database_url=primary.url(dbname),
        REPLICA_DATABASE_URL=replica.url(dbname),
        REPLICA_MAX_LAG_SECONDS=str(MAX_LAG),
        REPLICA_CHECK_SECONDS="0",
    )
    node = AppNode(folder, env, workers=1, threads=2).start()
    try:
        assert (home(node.port), sitemap(node.port)) == ("v1", "v1")
        # A fresh commit replayed, then replay paused: the replica is stale but not old.
        version_set(primary, dbname, "v2")
        replayed(replica, dbname, "v2")
        replica.sql(dbname, "SELECT pg_wal_replay_pause()")
        version_set(primary, dbname, "v3")
        # Anonymous: the sitemap reads the replica (still v2) ...
        assert sitemap(node.port) == "v2"
        # ... a page an HTTP cache may keep reads the primary: kept from the replica,
        # it would outlive the write's purge.
        assert home(node.port) == "v3"
        # A shopper with a session reads the primary (read-your-writes).
        assert sitemap(node.port, cookie="sessionid=anything") == "v3"
        # Lagging past REPLICA_MAX_LAG_SECONDS: everyone reads the primary.
        wait_until(
            lambda: replay_age(replica, dbname) > MAX_LAG, timeout=60, what="replica lag past max"
        )
        assert sitemap(node.port) == "v3"
        # Replay resumes: the replica catches up and is used again.
        replica.sql(dbname, "SELECT pg_wal_replay_resume()")
        version_set(primary, dbname, "v1")
        replayed(replica, dbname, "v1")
        replica.sql(dbname, "SELECT pg_wal_replay_pause()")
        version_set(primary, dbname, "v2")
        assert sitemap(node.port) == "v1"
        assert home(node.port) == "v2"
        # Replica stopped: pages come from the primary, no error page.
        replica.stop()
        assert sitemap(node.port) == "v2"
        assert home(node.port) == "v2"
    finally:
        node.stop()
