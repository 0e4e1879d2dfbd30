"""Fast provisioning: a storefront schema is a copy of the migrated template schema, the
template can never be stale, and migrate_schemas skips schemas that are already current."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from retailers import provisioning
from retailers.services import retailer_provision

pytestmark = pytest.mark.django_db


def structure(schema: str) -> dict:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default IS NOT NULL, "
            "is_identity FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 2",
            [schema],
        )
        columns = cur.fetchall()
        cur.execute(
            "SELECT cl.relname, co.conname, co.contype, pg_get_constraintdef(co.oid) "
            "FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid "
            "WHERE cl.relnamespace = %s::regnamespace ORDER BY 1, 2",
            [schema],
        )
        constraints = [(t, n, c, d.replace(f"{schema}.", "")) for t, n, c, d in cur.fetchall()]
        cur.execute(
            "SELECT indexname, replace(indexdef, %s, '') FROM pg_indexes WHERE schemaname = %s "
            "ORDER BY 1",
            [f"{schema}.", schema],
        )
        indexes = cur.fetchall()
        cur.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')  # noqa: S608
        migrations = cur.fetchall()
    return {
        "columns": columns,
        "constraints": constraints,
        "indexes": indexes,
        "migrations": migrations,
    }


def test_cloned_schema_matches_a_migrated_one(company):
    retailer = retailer_provision(slug="clone-check", display_name="Clone Check")
    template = provisioning.template_schema_name()
    assert structure(retailer.schema_name) == structure(template)
    assert provisioning.schema_is_current(retailer.schema_name)
    # The copy is usable: identities work and rows stay in their own schema.
    from django_tenants.utils import tenant_context

    from storefront.content.models import FeaturedProduct

    with tenant_context(retailer):
        FeaturedProduct.objects.create(product_id=1)
        FeaturedProduct.objects.create(product_id=2)
        assert FeaturedProduct.objects.count() == 2
    with connection.cursor() as cur:
        cur.execute(f'SELECT count(*) FROM "{template}".storefront_content_featuredproduct')  # noqa: S608
        assert cur.fetchone()[0] == 0
        cur.execute(
            f'INSERT INTO "{retailer.schema_name}".django_migrations (app, name, applied) '  # noqa: S608
            "VALUES ('x', 'y', now()) RETURNING id"
        )
        assert cur.fetchone()[0] > len(structure(template)["migrations"])


def test_a_stale_template_is_rebuilt_before_cloning(company):
    template = provisioning.template_schema_name()
    with connection.cursor() as cur:
        cur.execute(
            f"DELETE FROM \"{template}\".django_migrations WHERE app = 'storefront_content'"  # noqa: S608
        )
    assert not provisioning.schema_is_current(template)
    retailer = retailer_provision(slug="after-deploy", display_name="After Deploy")
    assert provisioning.schema_is_current(template)
    assert provisioning.schema_is_current(retailer.schema_name)


ODD_MIGRATION = "9999_odd_view"


def template_odd_view_add(template: str) -> None:
    """What a migration that adds a view would leave: the view and its record. A copy of
    the template carries the record; a schema built by the migrations does not."""
    with connection.cursor() as cur:
        cur.execute(f'CREATE VIEW "{template}".odd_view AS SELECT 1 AS one')
        cur.execute(
            f'INSERT INTO "{template}".django_migrations (app, name, applied) '  # noqa: S608
            "VALUES ('storefront_content', %s, now())",
            [ODD_MIGRATION],
        )


def copied(schema: str) -> bool:
    with connection.cursor() as cur:
        cur.execute(
            f'SELECT count(*) FROM "{schema}".django_migrations WHERE name = %s',  # noqa: S608
            [ODD_MIGRATION],
        )
        return cur.fetchone()[0] == 1


def views(schema: str) -> int:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM information_schema.views WHERE table_schema = %s", [schema]
        )
        return cur.fetchone()[0]


def test_unsupported_template_objects_fall_back_to_migrations(company):
    template = provisioning.template_schema_name()
    retailer_provision(slug="before", display_name="Before")  # a plan is kept for the template
    template_odd_view_add(template)
    retailer = retailer_provision(slug="fallback", display_name="Fallback")
    assert provisioning.schema_is_current(retailer.schema_name)
    assert not copied(retailer.schema_name)  # built by migrations
    assert views(retailer.schema_name) == 0


def test_copying_resumes_once_the_uncopyable_template_is_rolled_back(company):
    """The fallback's verdict is not kept: once the transaction that made the template
    uncopyable rolls back (as every test's does), the next storefront is copied again."""
    template = provisioning.template_schema_name()

    def applied_last(schema: str):
        with connection.cursor() as cur:
            cur.execute(f'SELECT max(applied) FROM "{schema}".django_migrations')  # noqa: S608
            return cur.fetchone()[0]

    def is_copy(schema: str) -> bool:  # a copy carries the template's own records
        return applied_last(schema) == applied_last(template)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():  # the kept plan: another fingerprint
        template_odd_view_add(template)
        with connection.cursor() as cur:
            cur.execute(f'DROP VIEW "{template}".odd_view')
        assert copied(retailer_provision(slug="other", display_name="Other").schema_name)
        raise Undo
    with pytest.raises(Undo), transaction.atomic():  # the template's fingerprint, a view
        with connection.cursor() as cur:
            cur.execute(f'CREATE VIEW "{template}".odd_view AS SELECT 1 AS one')
        assert not is_copy(retailer_provision(slug="during", display_name="During").schema_name)
        raise Undo
    assert is_copy(retailer_provision(slug="after", display_name="After").schema_name)


def test_smart_executor_migrates_only_schemas_that_are_behind(alice, bob, monkeypatch):
    ran: list[list[str]] = []
    monkeypatch.setattr(
        provisioning.StandardExecutor,
        "run_migrations",
        lambda self, tenants=None: ran.append(list(tenants)),
    )
    executor = provisioning.SmartExecutor(args=[], options={"verbosity": 0})
    executor.run_migrations(tenants=[alice.schema_name, bob.schema_name])
    assert ran == []
    with connection.cursor() as cur:
        cur.execute(
            f'DELETE FROM "{bob.schema_name}".django_migrations '  # noqa: S608
            "WHERE app = 'storefront_content'"
        )
    executor.run_migrations(tenants=[alice.schema_name, bob.schema_name])
    assert ran == [[bob.schema_name]]


def test_public_schema_is_always_migrated(monkeypatch, company):
    ran: list[list[str]] = []
    monkeypatch.setattr(
        provisioning.StandardExecutor,
        "run_migrations",
        lambda self, tenants=None: ran.append(list(tenants)),
    )
    provisioning.SmartExecutor(args=[], options={"verbosity": 0}).run_migrations(tenants=["public"])
    assert ran == [["public"]]
