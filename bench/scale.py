"""Scale benchmark: many retailer schemas. Provisioning, the host map, migrate_schemas, pg_dump.

    DATABASE_URL=postgres://... uv run python bench/scale.py --count 1000 [--processes 2]

1. provisions --count storefronts with `retailer_provision` (template-schema clone) and
   reports median/p95 per storefront at the start and at the end;
2. fills the in-process host map (retailers/hostmap.py) with every host and reports
   its memory per host (tracemalloc) and the hot lookup time;
3. runs `migrate_schemas` over every schema twice: the project's smart executor (skips
   current schemas) and django-tenants' multiprocessing executor with --processes;
4. times `pg_dump -Fc` and `pg_restore` of the whole database into a scratch database;
5. projects each to 10,000 / 50,000 / 100,000 schemas, linearly from the measured per-
   schema cost (provisioning and migrate are per schema; the host map is per host).

Everything it created is deleted at the end (also on error). Loopback database only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsocial.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

PG_BIN = Path("/usr/lib/postgresql/15/bin")
TARGETS = (10_000, 50_000, 100_000)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def project(label: str, per_unit_seconds: float, unit: str = "schema") -> None:
    cells = ", ".join(f"{n:,}: {per_unit_seconds * n / 60:.1f} min" for n in TARGETS)
    print(f"  projected {label} ({per_unit_seconds * 1000:.1f} ms per {unit}): {cells}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--skip-dump", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from retailers import crypto
    from retailers.hostmap import retailer_for_hostname

    _MAX_HOSTS = 10_000  # hosts looked up (each is its own key in the shared cache)
    from retailers.models import Domain, Retailer
    from retailers.services import company_tenant_ensure, retailer_provision

    db = settings.DATABASES["default"]
    if (db.get("HOST") or "") not in ("", "127.0.0.1", "localhost", "::1"):
        print("refusing to run against a non-loopback database")
        return 2
    print(f"load average before: {os.getloadavg()}")
    company_tenant_ensure()
    prefix = f"sc{uuid.uuid4().hex[:5]}"
    created: list[int] = []
    tax_id = crypto.encrypt("123456789")
    try:
        timings = []
        for i in range(args.count):
            start = time.perf_counter()
            retailer = retailer_provision(
                slug=f"{prefix}-{i}",
                display_name=f"Scale {i}",
                legal_name="Scale Example",
                email=f"{prefix}-{i}@example.com",
                city="Austin",
                state="TX",
                postal_code="78701",
                tax_id_kind="ssn",
                tax_id_encrypted=tax_id,
                tax_id_last4="6789",
            )
            timings.append(time.perf_counter() - start)
            created.append(retailer.pk)
        head, tail = timings[: max(1, len(timings) // 10)], timings[-max(1, len(timings) // 10) :]
        schemas = Retailer.objects.exclude(schema_name="public").count()
        print(f"\n1. provisioning {args.count} storefronts ({schemas} tenant schemas at the end)")
        print(
            f"  median {statistics.median(timings) * 1000:.1f} ms, p95 {pct(timings, 95) * 1000:.1f} ms"
        )
        print(
            f"  first 10%: median {statistics.median(head) * 1000:.1f} ms; last 10%: median "
            f"{statistics.median(tail) * 1000:.1f} ms"
        )
        project("provisioning, serial", statistics.median(tail))

        hosts = list(Domain.objects.filter(tenant_id__in=created).values_list("domain", flat=True))
        tracemalloc.start()
        before = tracemalloc.take_snapshot()
        for host in hosts[:_MAX_HOSTS]:
            retailer_for_hostname(host)
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
        filled = min(len(hosts), _MAX_HOSTS)
        start = time.perf_counter()
        rounds = 20_000
        for i in range(rounds):
            retailer_for_hostname(hosts[i % filled])
        lookup = (time.perf_counter() - start) / rounds
        print(
            f"\n2. host map: {filled} hosts, {grown / filled:.0f} bytes per host "
            f"({grown / 1e6:.1f} MB); hot lookup {lookup * 1e6:.1f} µs"
        )
        for n in TARGETS:
            print(
                f"  projected {n:,} hosts: {grown / filled * n / 1e6:.0f} MB per process"
                + ("  (over _MAX_HOSTS: the map is cleared when full)" if n > _MAX_HOSTS else "")
            )

        print("\n3. migrate_schemas, nothing to apply")
        start = time.perf_counter()
        call_command("migrate_schemas", interactive=False, verbosity=0)
        smart = time.perf_counter() - start
        print(f"  smart executor (skips current schemas): {smart:.1f} s for {schemas} schemas")
        project("smart executor", smart / schemas)
        settings.TENANT_MULTIPROCESSING_MAX_PROCESSES = args.processes
        start = time.perf_counter()
        call_command("migrate_schemas", interactive=False, verbosity=0, executor="multiprocessing")
        multi = time.perf_counter() - start
        print(
            f"  multiprocessing executor, {args.processes} processes (visits every schema): "
            f"{multi:.1f} s"
        )
        project(f"multiprocessing x{args.processes}", multi / schemas)

        if not args.skip_dump:
            url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            dump = Path(f"/tmp/{prefix}.dump")
            start = time.perf_counter()
            subprocess.run(
                [str(PG_BIN / "pg_dump"), "-Fc", "-f", str(dump), f"{url}/{db['NAME']}"], check=True
            )
            dumped = time.perf_counter() - start
            scratch = f"{prefix}_restore"
            subprocess.run(
                [str(PG_BIN / "psql"), f"{url}/postgres", "-qc", f'CREATE DATABASE "{scratch}"'],
                check=True,
            )
            start = time.perf_counter()
            subprocess.run(
                [str(PG_BIN / "pg_restore"), "--no-owner", "-d", f"{url}/{scratch}", str(dump)],
                check=True,
            )
            restored = time.perf_counter() - start
            subprocess.run(
                [
                    str(PG_BIN / "psql"),
                    f"{url}/postgres",
                    "-qc",
                    f'DROP DATABASE "{scratch}" WITH (FORCE)',
                ],
                check=False,
            )
            print(
                f"\n4. pg_dump {dumped:.1f} s ({dump.stat().st_size / 1e6:.1f} MB), "
                f"pg_restore {restored:.1f} s, {schemas} schemas"
            )
            project("pg_dump", dumped / schemas)
            project("pg_restore", restored / schemas)
            dump.unlink()
        print(f"\nload average after: {os.getloadavg()}")
    finally:
        connection.set_schema_to_public()
        names = list(Retailer.objects.filter(pk__in=created).values_list("schema_name", flat=True))
        with connection.cursor() as cur:
            for name in names:
                cur.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        Domain.objects.filter(tenant_id__in=created).delete()
        Retailer.objects.filter(pk__in=created).delete()
        print(f"cleaned up {len(names)} retailers and schemas")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
