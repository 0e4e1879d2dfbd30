"""Team benchmark: the team month close over a random genealogy, and the "My team" read.

    uv run python bench/team.py                                  # scaled down: 5,000 / 50,000
    uv run python bench/team.py --retailers 100000 --orders 1000000   # the issue's full size

1. creates its own database `<DATABASE_URL's name>_team_bench` on the same server
   (dropped at the end unless --keep) and migrates the public schema;
2. bulk-inserts R retailers (rows only: no storefront schemas), a random sponsor tree of
   depth at most --depth (the ltree path is set by the database trigger on each insert),
   and N paid orders spread over the retailers, each with its ledger accrual this month;
3. runs `team_month_close` for this month -> seconds, queries, override lines, peak RSS
   (VmHWM, reset after the setup), and the queries per retailer;
4. times `team_overview_for_retailer` (the "My team" selector: counts, group volume and
   the first page of the genealogy) for the retailer with the largest downline.

Self-contained on purpose (bench/common.py, the shared harness, is being written in
parallel). Needs DATABASE_URL (a PostgreSQL the user may create databases on).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_reset() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def bench_database(base_url: str) -> tuple[str, str, str]:
    import psycopg

    parts = urlsplit(base_url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1", None, ""):
        sys.exit("bench/team.py refuses a non-loopback database host.")
    name = f"{parts.path.lstrip('/') or 'postgres'}_team_bench"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl(), admin, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--retailers", type=int, default=5_000)
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--depth", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench makes its own database).")
    url, admin_url, db_name = bench_database(base)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsocial.settings.dev")
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}"')


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate_schemas", "--shared", verbosity=0)

    from orders.models import Order
    from retailers.earnings.models import CommissionEntry
    from retailers.models import Retailer
    from retailers.team.close import team_month_close
    from retailers.team.models import Standing, TeamMember
    from retailers.team.selectors import team_overview_for_retailer
    from retailers.team.services import team_plan_seed_demo

    rng = random.Random(25)
    t = time.perf_counter()
    team_plan_seed_demo()
    retailers = Retailer.objects.bulk_create(
        [
            Retailer(
                schema_name=f"tb_{n}",
                slug=f"tb-{n}",
                display_name=f"Team bench {n}",
                retailer_number=f"TB{n:08d}",
            )
            for n in range(args.retailers)
        ],
        batch_size=5000,
    )
    # A random tree: each new member under a random earlier one not yet at full depth.
    depth = [0] * len(retailers)
    sponsor_index: list[int | None] = [None] * len(retailers)
    for i in range(1, len(retailers)):
        for _ in range(8):
            j = rng.randrange(max(0, i - 200), i) if rng.random() < 0.7 else rng.randrange(i)
            if depth[j] < args.depth - 1:
                sponsor_index[i], depth[i] = j, depth[j] + 1
                break
    TeamMember.objects.bulk_create(
        [
            TeamMember(
                retailer=r,
                sponsor_id=retailers[s].pk if s is not None else None,
            )
            for r, s in zip(retailers, sponsor_index, strict=True)
        ],
        batch_size=5000,
    )
    now = timezone.now()
    order_ids: list[int] = []
    for start in range(0, args.orders, 20_000):
        chunk = []
        for n in range(start, min(args.orders, start + 20_000)):
            subtotal = Decimal(rng.randrange(1_000, 20_000)) / 100
            chunk.append(
                Order(
                    number=f"SS-TB{n:09d}",
                    retailer=retailers[rng.randrange(len(retailers))],
                    status="paid",
                    email=f"buyer{n}@bench.example",
                    full_name="Bench Buyer",
                    ship_line1="1 Bench St",
                    ship_city="Austin",
                    ship_state="TX",
                    ship_postal_code="78701",
                    subtotal=subtotal,
                    shipping=Decimal("0.00"),
                    total=subtotal,
                    paid_at=now,
                )
            )
        made = Order.objects.bulk_create(chunk, batch_size=5000)
        CommissionEntry.objects.bulk_create(
            [
                CommissionEntry(
                    retailer_id=o.retailer_id,
                    order=o,
                    kind="accrual",
                    key="paid",
                    base=o.subtotal,
                    amount=(o.subtotal * Decimal("0.2")).quantize(Decimal("0.01")),
                )
                for o in made
            ],
            batch_size=5000,
        )
        order_ids.extend(o.pk for o in made)
    max_depth = max(depth) + 1
    print(
        f"setup: {args.retailers:,} retailers (depth up to {max_depth}), "
        f"{len(order_ids):,} orders in {time.perf_counter() - t:.1f} s"
    )

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    import gc

    gc.collect()
    peak_rss_reset()
    month = timezone.localdate().replace(day=1)
    t = time.perf_counter()
    with connection.execute_wrapper(count):
        close = team_month_close(month=month)
    seconds = time.perf_counter() - t
    lines = CommissionEntry.objects.filter(kind="override").count()
    print(
        f"close: {seconds:.1f} s, {queries[0]} queries "
        f"({queries[0] / args.retailers:.4f} per retailer), {lines:,} override lines, "
        f"${close.override_total:,} overrides, {Standing.objects.count():,} standings, "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )
    t = time.perf_counter()
    again = team_month_close(month=month)
    print(f"rerun: {time.perf_counter() - t:.3f} s (same close #{again.pk}: nothing written)")

    # "My team" for the member with the largest downline.
    from django.db.models.expressions import RawSQL

    top = (
        TeamMember.objects.annotate(
            size=RawSQL(
                "SELECT count(*) FROM team_teammember d WHERE d.path <@ team_teammember.path", ()
            )
        )
        .order_by("-size")
        .first()
    )
    retailer = Retailer.objects.get(pk=top.pk)
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        overview = team_overview_for_retailer(retailer=retailer)
        runs.append(time.perf_counter() - t)
    runs.sort()
    print(
        f"my team: downline {overview.team_size:,}, selector median "
        f"{runs[len(runs) // 2] * 1000:.1f} ms (best {runs[0] * 1000:.1f} ms)"
    )
    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
