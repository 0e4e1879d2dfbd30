"""PgBouncer in front of PostgreSQL: no request ever reads another storefront's schema.

django-tenants sets `search_path` per connection. PgBouncer's *session* pooling gives a
client one server connection until it disconnects and runs `DISCARD ALL` before handing
it to the next, so the schema cannot leak; *transaction* pooling could hand the
connection that ran one request's `SET search_path` to another client between two
statements. The project runs PgBouncer in session mode (docs/operations-scale.md); this
proves it with a real pgbouncer, a pool of two server connections and eight concurrent
clients on two storefronts.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from ops.stack import AppNode, PgBouncer, app_env, http_get, temp_folder
from storefront.content.models import StorefrontProfile
from tests.conftest import ALICE_HOST, BOB_HOST

ALICE_MARK = "Alice-schema-marker-7f3a"
BOB_MARK = "Bob-schema-marker-91c2"


@pytest.mark.django_db(transaction=True)
def test_two_storefronts_through_one_small_session_pool_never_mix(tenants):
    for slug, mark in (("alice", ALICE_MARK), ("bob", BOB_MARK)):
        with tenant_context(tenants[slug]):
            StorefrontProfile.objects.update_or_create(pk=1, defaults={"about": mark})
    connection.set_schema_to_public()
    folder = temp_folder("ss-ops-pgb-")
    bouncer = PgBouncer(folder, dbname=connection.settings_dict["NAME"], pool_size=2).start()
    env = app_env(
        database_url=bouncer.url,
        DATABASE_POOLER="pgbouncer",
        STOREFRONT_PAGE_CACHE_SECONDS="0",  # every page reads its schema
    )
    node = AppNode(folder, env, workers=2, threads=4).start()
    wrong: list[str] = []
    seen = {ALICE_HOST: 0, BOB_HOST: 0}
    lock = threading.Lock()

    def client(offset: int) -> None:
        for i in range(20):
            host = (ALICE_HOST, BOB_HOST)[(i + offset) % 2]
            mine, theirs = (ALICE_MARK, BOB_MARK) if host == ALICE_HOST else (BOB_MARK, ALICE_MARK)
            response = http_get(node.port, host, "/", timeout=30)
            body = response.body.decode()
            with lock:
                if response.status != 200 or mine not in body or theirs in body:
                    wrong.append(f"{host}: {response.status} mine={mine in body}")
                else:
                    seen[host] += 1

    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        pools = [p for p in bouncer.show("POOLS") if p["database"] == bouncer.dbname]
        servers = [s for s in bouncer.show("SERVERS") if s["database"] == bouncer.dbname]
    finally:
        node.stop()
        bouncer.stop()
    assert wrong == []
    assert seen == {ALICE_HOST: 80, BOB_HOST: 80}
    assert pools[0]["pool_mode"] == "session"
    # Eight concurrent clients were served by at most two server connections.
    assert 1 <= len(servers) <= 2


def test_django_settings_for_the_pooler(monkeypatch):
    from shopsocial.settings.base import database_config

    monkeypatch.setenv("DATABASE_POOLER", "pgbouncer")
    config = database_config("postgres://postgres@127.0.0.1:6432/shop")
    assert config["CONN_MAX_AGE"] == 0
    assert config["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert "pool" not in config.get("OPTIONS", {})
