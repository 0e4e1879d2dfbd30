"""Table listing that costs the same with 100 storefront schemas or 100,000.

Django lists the tables of the current schema (the migration recorder asks for
them several times per schema and `migrate_schemas` runs once per storefront) by
reading every row of `pg_class` and calling `pg_table_is_visible()` on each. With
tens of thousands of schemas that is a scan of millions of catalog rows per call
(37 ms at 2,000 schemas, growing linearly), which is what made a tenant migration
slower per schema the more storefronts existed.

For a schema created by us (its oid is past PostgreSQL's bootstrap range, so it is
never "pinned") every relation in it has a row in `pg_depend` pointing at the
schema (`deptype 'n'`), and `pg_depend` has an index on what a row refers to. So the
listing is two index lookups per table instead of a catalog scan. For `public` and
the system schemas, whose dependencies PostgreSQL does not record, Django's own
query is used. The result is the same `TableInfo` list either way; a test compares
the two on a storefront schema.
"""

from __future__ import annotations

from django.db.backends.postgresql.introspection import TableInfo
from django_tenants.postgresql_backend.introspection import DatabaseSchemaIntrospection

# PostgreSQL's FirstNormalObjectId: objects with a lower oid come from initdb and
# may be pinned (no pg_depend rows). Every schema CREATE SCHEMA makes is above it.
FIRST_NORMAL_OBJECT_ID = 16384

_TABLES_IN_SCHEMA = """
    SELECT
        c.relname,
        CASE
            WHEN c.relispartition THEN 'p'
            WHEN c.relkind IN ('m', 'v') THEN 'v'
            ELSE 't'
        END,
        obj_description(c.oid, 'pg_class')
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_class c ON c.oid = d.objid
    WHERE d.refclassid = 'pg_catalog.pg_namespace'::regclass
        AND d.refobjid = %s
        AND d.classid = 'pg_catalog.pg_class'::regclass
        AND d.objsubid = 0
        AND d.deptype = 'n'
        AND c.relnamespace = %s
        AND c.relkind IN ('f', 'm', 'p', 'r', 'v')
"""


class DatabaseIntrospection(DatabaseSchemaIntrospection):
    def get_table_list(self, cursor) -> list[TableInfo]:
        cursor.execute(
            "SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = %s",
            [self.connection.schema_name],
        )
        row = cursor.fetchone()
        if row is None or row[0] < FIRST_NORMAL_OBJECT_ID:
            return super().get_table_list(cursor)
        cursor.execute(_TABLES_IN_SCHEMA, [row[0], row[0]])
        return [TableInfo(*r) for r in cursor.fetchall() if r[0] not in self.ignored_tables]
