"""Backups and the restore drill.

    python -m ops.backup backup --to DIR     # pg_dump (custom format) + private media
    python -m ops.backup drill --from DIR    # restore into a scratch database, smoke-test it

`backup` writes DIR/<UTC timestamp>/: `database.dump` (`pg_dump -Fc` of DATABASE_URL:
the public schema and every retailer schema), `private-media.tar.gz` (PRIVATE_MEDIA_ROOT,
or the private bucket's objects when MEDIA_S3_PRIVATE_BUCKET is set) and `manifest.json`.
`drill` restores the newest (or given) backup into a new scratch database on the same
server, then runs the smoke test against it in a separate process: the company site and
one storefront answer 200, every retailer's schema exists, the private media archive
lists its files. The scratch database is dropped afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _tool(name: str) -> str:
    return str(PG_BIN / name) if (PG_BIN / name).exists() else name


def _with_db(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def backup(*, to: Path, database_url: str, private_root: Path | None) -> Path:
    folder = to / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder.mkdir(parents=True)
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        [_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(folder / "database.dump"), database_url],
        check=True,
    )
    dumped = time.monotonic() - started
    media_files = 0
    with tarfile.open(folder / "private-media.tar.gz", "w:gz") as archive:
        if private_root and private_root.exists():
            for path in sorted(private_root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(private_root)))
                    media_files += 1
    manifest = {
        "created": datetime.now(UTC).isoformat(),
        "database": urlsplit(database_url).path.lstrip("/"),
        "dump_seconds": round(dumped, 2),
        "dump_bytes": (folder / "database.dump").stat().st_size,
        "private_media_files": media_files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return folder


SMOKE = """
from django.test import Client
from retailers.models import Retailer
from django.db import connection
retailers = list(Retailer.objects.exclude(schema_name='public').order_by('pk'))
with connection.cursor() as c:
    c.execute("SELECT nspname FROM pg_namespace")
    schemas = {r[0] for r in c.fetchall()}
missing = [r.schema_name for r in retailers if r.schema_name not in schemas]
assert not missing, missing
client = Client()
company = Retailer.objects.get(schema_name='public').domains.first().domain
assert client.get('/healthz', HTTP_HOST='www.' + company).status_code == 200
shops = [r for r in retailers if r.domains.exists()]
if shops:
    host = shops[0].domains.first().domain
    status = client.get('/', HTTP_HOST=host).status_code
    assert status == 200, (host, status)
print('SMOKE OK', len(retailers), 'retailers')
"""


def drill(*, source: Path, database_url: str, keep: bool = False) -> dict:
    folder = source if (source / "manifest.json").exists() else sorted(source.iterdir())[-1]
    scratch = f"restore_drill_{int(time.time())}"
    admin = _with_db(database_url, "postgres")
    subprocess.run([_tool("psql"), admin, "-qc", f'CREATE DATABASE "{scratch}"'], check=True)  # noqa: S603
    started = time.monotonic()
    try:
        subprocess.run(  # noqa: S603
            [
                _tool("pg_restore"),
                "--no-owner",
                "-d",
                _with_db(database_url, scratch),
                str(folder / "database.dump"),
            ],
            check=True,
        )
        restored = time.monotonic() - started
        domain = os.environ.get("SHOP_DOMAIN", "localhost")
        env = {
            **os.environ,
            "DATABASE_URL": _with_db(database_url, scratch),
            "DJANGO_SETTINGS_MODULE": "shopsocial.settings.dev",
            "DEBUG": "False",
            "CELERY_BROKER_URL": "",
            "REDIS_URL": "",
            "SHOP_DOMAIN": domain,
            "ALLOWED_HOSTS": f"{domain},.{domain}",
            "LOG_LEVEL": "WARNING",
        }
        smoke = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", SMOKE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        with tarfile.open(folder / "private-media.tar.gz") as archive:
            media = len(archive.getnames())
        return {
            "backup": str(folder),
            "restore_seconds": round(restored, 2),
            "smoke_ok": smoke.returncode == 0 and "SMOKE OK" in smoke.stdout,
            "smoke_output": (smoke.stdout + smoke.stderr)[-2000:],
            "private_media_files": media,
        }
    finally:
        if not keep:
            subprocess.run(  # noqa: S603
                [_tool("psql"), admin, "-qc", f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'],
                check=False,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup")
    b.add_argument("--to", type=Path, required=True)
    d = sub.add_parser("drill")
    d.add_argument("--from", dest="source", type=Path, required=True)
    d.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    database_url = os.environ["DATABASE_URL"]
    if args.command == "backup":
        private = os.environ.get("PRIVATE_MEDIA_ROOT", str(ROOT / ".local" / "private"))
        print(backup(to=args.to, database_url=database_url, private_root=Path(private)))
        return 0
    result = drill(source=args.source, database_url=database_url, keep=args.keep)
    print(json.dumps(result, indent=2))
    return 0 if result["smoke_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
