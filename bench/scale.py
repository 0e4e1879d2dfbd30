"""Scale benchmark: many retailer schemas in their own database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \\
        nice -n 19 uv run python bench/scale.py --count 10000 [--processes 2] > scale.log

DATABASE_URL names only the server: the run creates its own database (`--db`, default
`ss_scale_bench`) with settings `bench.scale_settings` (development settings plus one
throwaway storefront app, `bench/scale_tenant`), and drops it at the end, also on error,
Ctrl-C or SIGTERM. Steps, each logged with the wall clock as it goes:

1. `migrate_schemas --shared` on the empty database;
2. provisions --count storefronts with `retailer_provision` (template-schema clone),
   logging every 1,000: the median of the last 1,000, the database size and free disk;
   stops early (and says so) when free disk falls under --min-free-gb;
3. looks every host up through the host map (retailers/hostmap.py; since issue 23 its
   entries live in the shared cache, so the figure is the cache backend's): memory per
   host (tracemalloc) and the hot lookup time;
4. `pg_dump -Fc` and `pg_restore` of the whole database into a scratch database;
5. a real additive tenant migration (`bench/scale_tenant/migrations_v2/0002_additive.py`:
   a column with a database default and an index) applied to every schema by
   django-tenants' multiprocessing executor with --processes, logging progress; then
   checks every schema recorded it, and times the project's smart executor with nothing
   left to apply;
6. projects each to 10,000 / 50,000 / 100,000 schemas from the measured per-schema cost.

With `--checkpoints 10000` (and `--count 50000`) steps 2-5 also run when 10,000
storefronts exist, then provisioning goes on to --count, where they run again with a
second additive migration (`migrations_v3`): one provisioning pass, figures at both sizes.

Loopback database servers only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PG_BIN, ROOT, percentile, storefront_provision  # noqa: E402

TARGETS = (10_000, 50_000, 100_000)
T0 = time.monotonic()


def log(message: str) -> None:
    stamp = time.strftime("%H:%M:%S", time.gmtime())
    print(f"[{stamp} +{time.monotonic() - T0:7.0f}s load {os.getloadavg()[0]:.1f}] {message}")
    sys.stdout.flush()


def project(label: str, per_unit_seconds: float, unit: str = "schema") -> None:
    cells = ", ".join(f"{n:,}: {per_unit_seconds * n / 60:.1f} min" for n in TARGETS)
    log(f"  projected {label} ({per_unit_seconds * 1000:.1f} ms per {unit}): {cells}")


def free_gb() -> float:
    return shutil.disk_usage("/work").free / 1e9


def psql(server: str, sql: str, check: bool = True) -> str:
    result = subprocess.run(  # noqa: S603 - fixed binary, our own SQL
        [str(PG_BIN / "psql"), f"{server}/postgres", "-qAtc", sql],
        capture_output=True,
        text=True,
        check=check,
    )
    return result.stdout.strip()


class Stop(BaseException):  # not Exception: provisioning catches those and falls back
    pass


def _stop(signum, frame):  # noqa: ARG001 - signal handler signature
    raise Stop(f"signal {signum}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--db", default="ss_scale_bench")
    parser.add_argument("--min-free-gb", type=float, default=15.0)
    parser.add_argument("--skip-dump", action="store_true")
    parser.add_argument(
        "--keep", action="store_true", help="keep the database at the end (for profiling)"
    )
    parser.add_argument(
        "--migrate-minutes",
        type=float,
        default=0,
        help="at the last checkpoint, stop the timed migration after this long and project "
        "from its rate (0: no cap)",
    )
    parser.add_argument(
        "--checkpoints", default="", help="comma-separated counts below --count to measure at"
    )
    args = parser.parse_args()

    parts = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"))
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        print("refusing to run against a non-loopback database server")
        return 2
    server = f"{parts.scheme}://{parts.netloc}"
    url = f"{server}/{args.db}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.scale_settings",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "SCALE_PROCESSES": str(args.processes),
        "SCALE_MIGRATIONS": "bench.scale_tenant.migrations_v1",
    }
    os.environ.update(env)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log(f"count {args.count}, database {args.db}, free disk {free_gb():.1f} GB")
    psql(server, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    psql(server, f'CREATE DATABASE "{args.db}"')
    try:
        start = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "migrate_schemas", "--shared", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        log(
            f"1. migrate_schemas --shared on an empty database: {time.perf_counter() - start:.1f} s"
        )

        import django

        django.setup()
        from django.db import connection

        from retailers import crypto
        from retailers.services import company_tenant_ensure

        _MAX_HOSTS = 10_000  # hosts looked up (each is its own key in the shared cache)

        def db_size() -> str:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT pg_size_pretty(pg_database_size(current_database())), "
                    "pg_size_pretty(pg_total_relation_size('pg_class') "
                    "+ pg_total_relation_size('pg_attribute') "
                    "+ pg_total_relation_size('pg_depend'))"
                )
                total, catalog = cur.fetchone()
            return f"database {total} (pg_class+pg_attribute+pg_depend {catalog})"

        company_tenant_ensure()
        tax_id = crypto.encrypt("123456789")
        timings: list[float] = []
        stops = sorted({int(n) for n in args.checkpoints.split(",") if n.strip()} | {args.count})
        for round_no, target in enumerate([n for n in stops if n <= args.count], start=1):
            stopped_early = ""
            for i in range(len(timings), target):
                begin = time.perf_counter()
                storefront_provision(f"sc-{i}", i, tax_id)
                timings.append(time.perf_counter() - begin)
                if (i + 1) % 1000 == 0:
                    last = timings[-1000:]
                    log(
                        f"  provisioned {i + 1}: last 1,000 median "
                        f"{statistics.median(last) * 1000:.1f} ms, p95 "
                        f"{percentile(last, 95) * 1000:.1f} ms; {db_size()}; "
                        f"free disk {free_gb():.1f} GB"
                    )
                    if free_gb() < args.min_free_gb:
                        stopped_early = f"stopped at {i + 1}: free disk under {args.min_free_gb} GB"
                        log(stopped_early)
                        break
            log(f"=== checkpoint {round_no}: {len(timings)} storefronts")
            measure(args, server, url, env, timings, round_no, db_size)
            if stopped_early:
                break
    except Stop as stop:
        log(f"stopped by {stop}")
    finally:
        if _migrate_proc[0] is not None and _migrate_proc[0].poll() is None:
            os.killpg(_migrate_proc[0].pid, signal.SIGKILL)
            _migrate_proc[0].wait()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
            pass
        if args.keep:
            log(f"kept database {args.db}")
        else:
            psql(server, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)', check=False)
            log(f"dropped database {args.db}")
    return 0


_migrate_proc: list[subprocess.Popen | None] = [None]


def measure(args, server, url, env, timings, round_no, db_size) -> None:
    """Steps 2-5 at the number of storefronts provisioned so far (one checkpoint)."""
    from django.db import connection

    from retailers.hostmap import retailer_for_hostname
    from retailers.models import Domain, Retailer

    _MAX_HOSTS = 10_000  # hosts looked up (each is its own key in the shared cache)

    schemas = Retailer.objects.exclude(schema_name="public").count()
    tail = timings[-max(1, len(timings) // 10) :]
    log(
        f"2. provisioned {len(timings)} storefronts ({schemas} tenant schemas) in "
        f"{sum(timings) / 60:.1f} min: median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {percentile(timings, 95) * 1000:.1f} ms, last 10 % median "
        f"{statistics.median(tail) * 1000:.1f} ms; {db_size()}"
    )
    project("provisioning, serial", statistics.median(tail))

    hosts = list(
        Domain.objects.exclude(tenant__schema_name="public").values_list("domain", flat=True)
    )
    filled = min(len(hosts), _MAX_HOSTS)
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for host in hosts[:filled]:
        retailer_for_hostname(host)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    begin = time.perf_counter()
    rounds = 20_000
    for i in range(rounds):
        retailer_for_hostname(hosts[i % filled])
    lookup = (time.perf_counter() - begin) / rounds
    log(
        f"3. host map: {filled} hosts (_MAX_HOSTS {_MAX_HOSTS}), {grown / filled:.0f} bytes "
        f"per host ({grown / 1e6:.1f} MB); hot lookup {lookup * 1e6:.1f} µs"
    )
    connection.close()

    dump_failed = False
    if not args.skip_dump:
        dump = Path(f"/tmp/{args.db}.dump")
        begin = time.perf_counter()
        dump_failed = (
            subprocess.run([str(PG_BIN / "pg_dump"), "-Fc", "-f", str(dump), url]).returncode  # noqa: S603
            != 0
        )
        dumped = time.perf_counter() - begin
        if dump_failed:  # at 10,000 schemas: out of lock slots (max_locks_per_transaction)
            log(f"4. pg_dump FAILED after {dumped:.1f} s (its error above); no restore")
            dump.unlink(missing_ok=True)
    if not args.skip_dump and not dump_failed:
        scratch = f"{args.db}_restore"
        psql(server, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        psql(server, f'CREATE DATABASE "{scratch}"')
        try:
            begin = time.perf_counter()
            subprocess.run(  # noqa: S603
                [
                    str(PG_BIN / "pg_restore"),
                    "--no-owner",
                    "-d",
                    f"{server}/{scratch}",
                    str(dump),
                ],
                check=True,
            )
            restored = time.perf_counter() - begin
        finally:
            psql(server, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)', check=False)
        log(
            f"4. pg_dump -Fc {dumped:.1f} s ({dump.stat().st_size / 1e6:.1f} MB), "
            f"pg_restore {restored:.1f} s, {schemas} schemas"
        )
        project("pg_dump", dumped / schemas)
        project("pg_restore", restored / schemas)
        dump.unlink()

    if round_no > 2:
        return
    migrations = f"bench.scale_tenant.migrations_v{round_no + 1}"
    column = ("pinned", "weight")[round_no - 1]
    log(f"5. additive tenant migration ({migrations}), multiprocessing executor x{args.processes}")
    begin = time.perf_counter()
    migrate_proc = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "migrate_schemas", "--tenant"]
        + ["--executor", "multiprocessing", "-v", "1", "--no-color"],
        cwd=ROOT,
        env={**env, "SCALE_MIGRATIONS": migrations},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    _migrate_proc[0] = migrate_proc
    visited = 0
    capped = False
    cap = args.migrate_minutes * 60 if len(timings) >= args.count else 0  # last checkpoint

    def over_time() -> None:  # stop the run at the cap; its rate so far is the figure
        nonlocal capped
        capped = True
        os.killpg(migrate_proc.pid, signal.SIGTERM)

    timer = threading.Timer(cap, over_time) if cap else None
    if timer:
        timer.start()
    for line in migrate_proc.stdout:
        if "=== Starting migration" in line:
            visited += 1
            if visited % 1000 == 0:
                rate = (time.perf_counter() - begin) / visited
                log(f"  migrated {visited} schemas ({rate * 1000:.0f} ms per schema so far)")
        elif "Error" in line or "Traceback" in line:
            log(f"  {line.rstrip()}")
    if timer:
        timer.cancel()
    if migrate_proc.wait() != 0 and not capped:
        raise RuntimeError(f"migrate_schemas exited {migrate_proc.returncode}")
    multi = time.perf_counter() - begin
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'scale_tenant_scalenote' AND column_name = %s",
            [column],
        )
        done = cur.fetchone()[0]
    log(
        f"  {multi:.1f} s for {visited} schemas; {done} schemas have the new column "
        f"(of {schemas} + the template)"
    )
    if capped:
        log(f"  capped at {args.migrate_minutes:g} min: {visited} of {schemas} schemas started")
    project(f"additive migration, multiprocessing x{args.processes}", multi / max(visited, 1))
    if capped:
        return  # the smart executor would now apply the rest serially; not timed
    connection.close()
    begin = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "migrate_schemas", "-v", "0"],
        cwd=ROOT,
        env={**env, "SCALE_MIGRATIONS": migrations},
        check=True,
    )
    smart = time.perf_counter() - begin
    log(f"  smart executor, nothing left to apply: {smart:.1f} s")
    project("smart executor, nothing to apply", smart / schemas)


if __name__ == "__main__":
    raise SystemExit(main())
