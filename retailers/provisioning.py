"""Fast storefront schemas: clone a migrated template schema instead of migrating each one.

django-tenants creates a tenant schema by running every migration on it (and
recording every shared app's migrations), ~200 ms each. Instead we keep one
template schema (`TENANT_TEMPLATE_SCHEMA`, default `_storefront_template`)
migrated like any tenant and copy its structure with a handful of DDL statements
inside the caller's transaction (PostgreSQL DDL is transactional: a rollback leaves
no schema behind).

The template is trusted only when it holds every migration on disk (the graph's
leaf nodes); otherwise it is rebuilt by the normal migrations, so it can never go
stale after a deploy (django-tenants issue #1154). `migrate_schemas` refreshes it
too (see `SmartExecutor`). Anything the copier does not understand (views,
functions, standalone sequences) makes it fall back to the normal path.

`SmartExecutor` (settings.GET_EXECUTOR_FUNCTION) makes `migrate_schemas` skip
tenant schemas whose django_migrations already hold every migration.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.migration_executors.base import run_migrations
from django_tenants.migration_executors.standard import StandardExecutor
from django_tenants.postgresql_backend.base import _check_schema_name
from django_tenants.utils import schema_exists

logger = logging.getLogger(__name__)


def template_schema_name() -> str:
    return getattr(settings, "TENANT_TEMPLATE_SCHEMA", "_storefront_template")


@cache
def _expected_leaves() -> frozenset[tuple[str, str]]:
    """The latest migration of every app, as on disk (no database needed)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.leaf_nodes())


def _q(name: str) -> str:
    _check_schema_name(name)
    return '"' + name + '"'


def schema_applied_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{_q(schema)}.django_migrations"])
        if not cur.fetchone()[0]:
            return set()
        cur.execute(f"SELECT app, name FROM {_q(schema)}.django_migrations")  # noqa: S608
        return set(cur.fetchall())


def schema_is_current(schema: str) -> bool:
    return _expected_leaves() <= schema_applied_migrations(schema)


def template_schema_refresh(*, force: bool = False) -> str:
    """Make sure the template schema exists and holds every migration (idempotent)."""
    schema = template_schema_name()
    connection.set_schema_to_public()
    exists = schema_exists(schema)
    if not force and exists and schema_is_current(schema):
        return schema
    # The template holds no data: rebuilding it from scratch is simplest and always right.
    with connection.cursor() as cur:
        if exists:
            cur.execute(f"DROP SCHEMA {_q(schema)} CASCADE")
        cur.execute(f"CREATE SCHEMA {_q(schema)}")
    try:
        call_command(
            "migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0
        )
    finally:
        connection.set_schema_to_public()
    return schema


_UNSUPPORTED_SQL = """
SELECT count(*) FROM pg_class c
WHERE c.relnamespace = %s::regnamespace
  AND (c.relkind IN ('v', 'm', 'f', 'c')
       OR (c.relkind = 'S' AND NOT EXISTS (
             SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))))
"""


_TARGET = "__storefront_target__"  # stands for the new schema in a cached plan


@dataclass(frozen=True)
class _Plan:
    fingerprint: tuple
    sql: str | None  # None: the template holds something the copier does not handle


_plan_cache: dict[str, _Plan] = {}


def _fingerprint(cur, template: str) -> tuple | None:
    """Changes whenever the template is rebuilt (a new schema oid) or migrated (its
    migration records; the template changes only through migrations and
    `template_schema_refresh`, never by hand). Only indexed catalog lookups: a scan of `pg_class` by namespace
    (no index) grew with every storefront, 20 ms per sign-up at 2,000 schemas and 111 ms
    at 19,000 (bench/README.md, scale)."""
    cur.execute("SELECT oid::bigint FROM pg_namespace WHERE nspname = %s", [template])
    namespace = cur.fetchone()
    if namespace is None:
        return None
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{_q(template)}.django_migrations"])
    if not cur.fetchone()[0]:
        return None
    cur.execute(
        f"SELECT count(*), max(id), max(applied) FROM {_q(template)}.django_migrations"  # noqa: S608
    )
    return (*namespace, *cur.fetchone())


def _build_plan(cur, template: str) -> str | None:
    """The DDL (one batch) that copies the template's tables, constraints, indexes and rows."""
    cur.execute(_UNSUPPORTED_SQL, [template])
    if cur.fetchone()[0]:
        return None
    cur.execute("SELECT count(*) FROM pg_proc WHERE pronamespace = %s::regnamespace", [template])
    if cur.fetchone()[0]:
        return None
    cur.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'r' "
        "ORDER BY relname",
        [template],
    )
    tables = [row[0] for row in cur.fetchall()]
    # Primary keys, unique and exclusion constraints keep their names (later migrations
    # refer to them); foreign keys last, once every table exists.
    cur.execute(
        "SELECT cl.relname, co.conname, pg_get_constraintdef(co.oid) "
        "FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid "
        "WHERE cl.relnamespace = %s::regnamespace AND co.contype IN ('p', 'u', 'x', 'f') "
        "ORDER BY co.contype = 'f', cl.relname, co.conname",
        [template],
    )
    constraints = cur.fetchall()
    # Indexes that do not back a constraint.
    cur.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE t.relnamespace = %s::regnamespace AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid) "
        "ORDER BY 1",
        [template],
    )
    indexes = [row[0] for row in cur.fetchall()]
    cur.execute(
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r' AND a.attidentity <> '' "
        "AND NOT a.attisdropped ORDER BY 1, 2",
        [template],
    )
    identities = cur.fetchall()

    src, dst, src_prefix = _q(template), _TARGET, f"{template}."
    sql = [f"CREATE SCHEMA {dst}"]
    for table in tables:
        sql.append(
            f'CREATE TABLE {dst}."{table}" (LIKE {src}."{table}" INCLUDING DEFAULTS '
            "INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE "
            "INCLUDING COMMENTS)"
        )
    for table, name, definition in constraints:
        # References to the template's own tables point at the new schema; references
        # to public tables stay unqualified (public is on the search path).
        definition = definition.replace(f"REFERENCES {src_prefix}", f"REFERENCES {dst}.")
        sql.append(f'ALTER TABLE {dst}."{table}" ADD CONSTRAINT "{name}" {definition}')
    for definition in indexes:
        sql.append(
            definition.replace(f" ON {src_prefix}", f" ON {dst}.").replace(
                f" ON ONLY {src_prefix}", f" ON ONLY {dst}."
            )
        )
    # Rows the migrations wrote (django_migrations, data migrations); identities advanced.
    for table in tables:
        sql.append(f'INSERT INTO {dst}."{table}" SELECT * FROM {src}."{table}"')  # noqa: S608
    for table, column in identities:
        sql.append(
            f"SELECT setval(pg_get_serial_sequence('{dst}.\"{table}\"', '{column}'), "  # noqa: S608
            f'coalesce((SELECT max("{column}") FROM {dst}."{table}"), 0) + 1, false)'
        )
    return ";\n".join(sql)


def _plan_for(cur, template: str) -> _Plan | None:
    fingerprint = _fingerprint(cur, template)
    if fingerprint is None:
        return None
    plan = _plan_cache.get(template)
    if plan is None or plan.fingerprint != fingerprint:
        if not schema_is_current(template):
            return None
        plan = _Plan(fingerprint=fingerprint, sql=_build_plan(cur, template))
        # Only a plan that copies is kept. "Cannot copy" is decided again next time: the
        # caller may be inside a transaction that rolls back whatever made the template
        # uncopyable, and a kept verdict would then send every later storefront of this
        # process through the migrations (6 s each instead of 20 ms).
        if plan.sql is not None:
            _plan_cache[template] = plan
    return plan


def schema_create_from_template(schema: str, *, check_if_exists: bool = False) -> bool:
    """Create `schema` as a copy of the template. False: caller must migrate instead.

    Per storefront this costs one existence check, one fingerprint query and one batch
    of DDL; the batch is rebuilt only when the template changes.
    """
    if not getattr(settings, "TENANT_TEMPLATE_CLONE", True):
        return False
    _check_schema_name(schema)
    connection.set_schema_to_public()
    if check_if_exists and schema_exists(schema):
        return True
    template = template_schema_name()
    with connection.cursor() as cur:
        plan = _plan_for(cur, template)
        if plan is None:
            template_schema_refresh()
            plan = _plan_for(cur, template)
        if plan is None or plan.sql is None:
            return False
        savepoint = connection.in_atomic_block
        if savepoint:
            cur.execute("SAVEPOINT storefront_clone")
        try:
            cur.execute(plan.sql.replace(_TARGET, _q(schema)))
        except Exception:
            if not savepoint:
                raise
            cur.execute("ROLLBACK TO SAVEPOINT storefront_clone")
            _plan_cache.pop(template, None)
            logger.warning("template copy failed; falling back to migrations", exc_info=True)
            return False
        if savepoint:
            cur.execute("RELEASE SAVEPOINT storefront_clone")
    connection.set_schema_to_public()
    return True


class SmartExecutor(StandardExecutor):
    """`migrate_schemas` that skips tenant schemas already holding every migration.

    Public is always migrated the normal way; the template schema is refreshed
    after it so that new storefronts are cloned from the current structure.
    """

    codename = "smart"

    def run_migrations(self, tenants=None):
        tenants = list(tenants or [])
        plain = self.options.get("app_label") or self.options.get("migration_name")
        forced = self.options.get("fake") or self.options.get("fake_initial") or plain
        pending = []
        for schema in tenants:
            if schema == self.PUBLIC_SCHEMA_NAME or forced or not self._is_current(schema):
                pending.append(schema)
        skipped = len(tenants) - len(pending)
        if skipped and int(self.options.get("verbosity", 1)) >= 1:
            logger.info("migrate_schemas: %s schemas already current, skipped", skipped)
        if pending:
            super().run_migrations(tenants=pending)
        template = template_schema_name()
        if (
            self.PUBLIC_SCHEMA_NAME not in tenants
            and template not in tenants
            and schema_exists(template)
            and not self._is_current(template)
        ):
            run_migrations(self.args, self.options, self.codename, template)

    def _is_current(self, schema: str) -> bool:
        connection.set_schema_to_public()
        return schema_is_current(schema)


@cache
def _checks_once(executor_class: type) -> type:
    """The executor, with the system checks left to `migrate_schemas` itself.

    `migrate_schemas` runs the system checks once when it starts (unless told
    `--skip-checks`). Each schema is then a whole `migrate` command, which would run
    every check again: about 100 ms a schema, a quarter of a tenant migration's cost
    per storefront (bench/README.md, "Scale").
    """

    class ChecksOnce(executor_class):
        def __init__(self, args, options):
            super().__init__(args, {**options, "skip_checks": True})

    ChecksOnce.__name__ = ChecksOnce.__qualname__ = f"{executor_class.__name__}ChecksOnce"
    return ChecksOnce


def get_executor(codename=None):
    from django_tenants.migration_executors import get_executor as base_get_executor

    if codename in (None, "standard", "smart"):
        return _checks_once(SmartExecutor)
    return _checks_once(base_get_executor(codename))
