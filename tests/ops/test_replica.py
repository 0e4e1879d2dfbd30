"""A streaming replica (pg_basebackup) and the router: stale reads only where harmless.

The harness runs a primary of its own (initdb, the test database copied in with
pg_dump) and a replica made from it with pg_basebackup, both on free ports, and a
gunicorn node pointing at both. The replica's replay is paused to make it visibly stale.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from ops.stack import AppNode, PostgresServer, app_env, http_get, temp_folder, wait_until
from storefront.content.models import StorefrontProfile
from tests.conftest import ALICE_HOST


@pytest.fixture
def primary_and_replica(tenants):
    with tenant_context(tenants["alice"]):
        StorefrontProfile.objects.update_or_create(pk=1, defaults={"about": "about-v1"})
    connection.set_schema_to_public()
    folder = temp_folder("ss-ops-replica-")
    primary = PostgresServer(folder, "primary").init_primary().start()
    dbname = "shop"
    s = connection.settings_dict
    source = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    primary.copy_database_from(source_url=source, dbname=dbname)
    replica = PostgresServer(folder, "replica").init_replica_of(primary).start()
    yield folder, primary, replica, dbname
    replica.stop()
    primary.stop()


def table() -> str:
    return f"r_alice.{StorefrontProfile._meta.db_table}"


def about_set(primary: PostgresServer, dbname: str, text: str) -> None:
    primary.sql(dbname, f"UPDATE {table()} SET about = '{text}'")


def page_about(port: int, *, cookie: str = "") -> str:
    headers = {"Cookie": cookie} if cookie else {}
    response = http_get(port, ALICE_HOST, "/", headers=headers, timeout=30)
    assert response.status == 200, response.status
    body = response.body.decode()
    return next(v for v in ("about-v1", "about-v2", "about-v3") if v in body)


@pytest.mark.django_db(transaction=True)
def test_reads_go_to_the_replica_and_fall_back_when_it_lags_or_stops(primary_and_replica):
    folder, primary, replica, dbname = primary_and_replica
    env = app_env(
        database_url=primary.url(dbname),
        REPLICA_DATABASE_URL=replica.url(dbname),
        REPLICA_MAX_LAG_SECONDS="4",
        REPLICA_CHECK_SECONDS="0",
        STOREFRONT_PAGE_CACHE_SECONDS="0",
    )
    node = AppNode(folder, env, workers=1, threads=2).start()
    try:
        assert page_about(node.port) == "about-v1"
        # A fresh commit replayed, then replay paused: the replica is stale but not old.
        about_set(primary, dbname, "about-v2")
        wait_until(
            lambda: replica.sql(dbname, f"SELECT DISTINCT about FROM {table()}") == [("about-v2",)],
            timeout=60,
            what="replica replay",
        )
        replica.sql(dbname, "SELECT pg_wal_replay_pause()")
        about_set(primary, dbname, "about-v3")
        # Anonymous browsing reads the replica (still v2) ...
        assert page_about(node.port) == "about-v2"
        # ... a shopper with a session reads the primary (read-your-writes).
        assert page_about(node.port, cookie="sessionid=anything") == "about-v3"
        # Lagging past REPLICA_MAX_LAG_SECONDS: everyone reads the primary.
        time.sleep(5)
        assert page_about(node.port) == "about-v3"
        # Replay resumes: the replica catches up and is used again.
        replica.sql(dbname, "SELECT pg_wal_replay_resume()")
        about_set(primary, dbname, "about-v1")
        wait_until(
            lambda: replica.sql(dbname, f"SELECT DISTINCT about FROM {table()}") == [("about-v1",)],
            timeout=60,
            what="replica catch-up",
        )
        replica.sql(dbname, "SELECT pg_wal_replay_pause()")
        about_set(primary, dbname, "about-v2")
        assert page_about(node.port) == "about-v1"
        # Replica stopped: pages come from the primary, no error page.
        replica.stop()
        assert page_about(node.port) == "about-v2"
        assert page_about(node.port) == "about-v2"
    finally:
        node.stop()
