"""The embedded PostgreSQL: starts, answers queries, and keeps its data across restarts."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import psycopg
    from shopsocial.embedded_db import embedded_database_url
    url = embedded_database_url(pgdata=Path(sys.argv[1]), database="probe")
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS visits (n int)")
        conn.execute("INSERT INTO visits VALUES (1)")
        print(conn.execute("SELECT count(*) FROM visits").fetchone()[0])
    """
)


def _run(pgdata: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(pgdata)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_embedded_server_starts_answers_and_reuses_its_data(tmp_path):
    pgdata = tmp_path / "pgdata"
    assert _run(pgdata) == "1"
    # The first process stopped the server on exit; a second start finds the row.
    assert _run(pgdata) == "2"
    assert (pgdata / "PG_VERSION").exists()
    assert not (pgdata / "postmaster.pid").exists()
