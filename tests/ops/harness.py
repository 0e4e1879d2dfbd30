"""Fixtures' helpers: the test database's URL for processes started by ops.stack."""

from __future__ import annotations

from django.db import connection


def database_url_for_processes() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
