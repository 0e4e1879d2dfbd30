"""The backup and the restore drill, end to end on the test database."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from ops.backup import _with_db, backup, drill
from storefront.content.models import StorefrontProfile

from .harness import database_url_for_processes


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_scratch_database_that_serves_pages(
    tenants, tmp_path, monkeypatch
):
    with tenant_context(tenants["alice"]):
        profile, _ = StorefrontProfile.objects.update_or_create(
            pk=1, defaults={"about": "backup-marker-1"}
        )
    connection.set_schema_to_public()
    private = tmp_path / "private"
    (private / "breach-lists").mkdir(parents=True)
    (private / "breach-lists" / "incident-1.csv").write_text("id\n1\n")
    url = database_url_for_processes()

    folder = backup(to=tmp_path / "backups", database_url=url, private_root=private)
    assert (folder / "database.dump").stat().st_size > 10_000

    monkeypatch.setenv("SHOP_DOMAIN", "shop.test")
    result = drill(source=tmp_path / "backups", database_url=url, keep=True)
    scratch = None
    try:
        assert result["smoke_ok"], result["smoke_output"]
        assert "SMOKE OK 2 retailers" in result["smoke_output"]
        assert result["private_media_files"] == 1
        with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
            scratch = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'restore_drill_%' "
                "ORDER BY oid DESC LIMIT 1"
            ).fetchone()[0]
        with psycopg.connect(_with_db(url, scratch)) as conn:
            about = conn.execute(
                f"SELECT about FROM r_alice.{StorefrontProfile._meta.db_table} WHERE id = %s",
                [profile.pk],
            ).fetchone()
        assert about == ("backup-marker-1",)
    finally:
        if scratch:
            with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
