"""What a tenant migration costs per storefront must not grow with the number of
storefronts (bench/README.md, "Scale"): the table listing Django's migration recorder
asks for reads only the schema's own catalog rows, and the system checks run once per
`migrate_schemas`, not once per schema."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.postgresql_backend.introspection import DatabaseSchemaIntrospection

pytestmark = pytest.mark.django_db


def listing(introspection) -> list[tuple]:
    with connection.cursor() as cur:
        return sorted(tuple(t) for t in introspection.get_table_list(cur))


def test_storefront_table_list_matches_djangos_own(alice):
    with connection.cursor() as cur:  # a view, a partitioned table and a comment too
        cur.execute(f'SET search_path = "{alice.schema_name}"')
        cur.execute("CREATE VIEW scale_probe_view AS SELECT 1 AS one")
        cur.execute("CREATE TABLE scale_probe_parts (id int) PARTITION BY RANGE (id)")
        cur.execute(
            "CREATE TABLE scale_probe_part1 PARTITION OF scale_probe_parts "
            "FOR VALUES FROM (0) TO (10)"
        )
        cur.execute("COMMENT ON TABLE scale_probe_parts IS 'probe'")
    connection.set_tenant(alice)
    ours = listing(connection.introspection)
    theirs = listing(DatabaseSchemaIntrospection(connection))
    assert ours == theirs
    names = {row[0] for row in ours}
    assert {"django_migrations", "scale_probe_view", "scale_probe_parts"} <= names
    assert ("scale_probe_parts", "t", "probe") in ours
    assert ("scale_probe_part1", "p", None) in ours
    assert ("scale_probe_view", "v", None) in ours
    assert not names & {"retailers_retailer", "pg_class"}  # not public's, not the system's


def test_public_table_list_matches_djangos_own(company):
    connection.set_schema_to_public()
    ours = listing(connection.introspection)
    assert ours == listing(DatabaseSchemaIntrospection(connection))
    assert "retailers_retailer" in {row[0] for row in ours}


def test_storefront_table_list_does_not_scan_the_catalog(alice):
    """A scan of pg_class costs in proportion to every schema's tables (37 ms at 2,000
    storefronts, 1.5 s per schema at 50,000); the listing must use the indexes."""
    listed: list[tuple] = []

    def keep(execute, sql, params, many, context):
        if "pg_class" in sql:
            listed.append((sql, params))
        return execute(sql, params, many, context)

    connection.set_tenant(alice)
    with connection.execute_wrapper(keep):
        listing(connection.introspection)
    assert listed
    plans = []
    with connection.cursor() as cur:
        for sql, params in listed:
            cur.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(r[0] for r in cur.fetchall()))
    assert not any("Seq Scan on pg_class" in plan for plan in plans), plans


def test_migrate_schemas_runs_the_system_checks_once(alice, bob, monkeypatch):
    checked: list[str] = []
    real_check = BaseCommand.check

    def counting_check(self, *args, **kwargs):
        checked.append(type(self).__module__)
        return real_check(self, *args, **kwargs)

    monkeypatch.setattr(BaseCommand, "check", counting_check)
    for schema in (alice.schema_name, bob.schema_name):  # an app label: always migrated
        call_command(
            "migrate_schemas",
            "storefront_content",
            schema_name=schema,
            verbosity=0,
            skip_checks=False,
        )
    assert checked == ["django_tenants.management.commands.migrate_schemas"] * 2
