"""Team benchmark: the one month close over a random genealogy, and the "My team" page.

    uv run python bench/team.py                                        # 10,000 / 100,000
    nice uv run python bench/team.py --retailers 100000 --orders 1000000   # the issue's size

1. makes its own database `<DATABASE_URL's name>_team_bench` on the same server (dropped
   at the end unless --keep) and migrates the public schema;
2. generates the data with set-based SQL (INSERT … SELECT generate_series; no ORM row by
   row): R retailer rows (no storefront schemas: the close reads only public tables), a
   random sponsor tree of depth --depth (5 members at the top, the rest spread evenly over
   the levels below, each under a random member of the level above; the ltree paths are
   set by the database trigger), and N paid orders over random retailers (5 % of them the
   retailer's own, so the personal cap applies) with their ledger accruals this month;
3. runs the month close (`earnings_month_close`: catch-up, releases, the team close)
   -> seconds, queries (an execute wrapper) and queries per retailer, override lines,
   emails, peak RSS of this process (VmHWM, reset after the setup); then a rerun;
4. "My team" for the top member whose downline is nearest 20,000: GET /backoffice/team/
   signed in, and GET /bench/hello/ (a bare view on the same settings and middleware),
   in process with Django's test client, median of --requests each; the ratio is
   hello's time / My team's time (goal ≥ 0.35: My team at least 0.35 × hello's rate).
   My team keeps its team section in the shared cache until a write below the member
   deletes it: the page is also timed with the member's token deleted before every
   request (what the first view after an enrolment or a sale below costs), and page 400
   (beyond the kept pages: rendered every time).

Needs DATABASE_URL (a PostgreSQL the user may create databases on; loopback only) and a Redis
(--redis, default redis://127.0.0.1:6379/9: the shared cache and sessions, as in production).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
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


def bench_database(base_url: str, *, create: bool = True) -> tuple[str, str, str]:
    import psycopg

    parts = urlsplit(base_url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1", None, ""):
        sys.exit("bench/team.py refuses a non-loopback database host.")
    name = f"{parts.path.lstrip('/') or 'postgres'}_team_bench"
    admin = parts._replace(path="/postgres").geturl()
    if create:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl(), admin, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--retailers", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--depth", type=int, default=30)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time only My team on the database a --keep run left (no setup, no close)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="with --reuse: print a cProfile of My team"
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        help="a Redis database of the bench's own (flushed at the start)",
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each line as it comes, even through tee
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench makes its own database).")
    url, admin_url, db_name = bench_database(base, create=not args.reuse)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.team_settings"
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ["CELERY_BROKER_URL"] = ""
    # The shared cache in Redis, as production has it (sessions, the team section's
    # tokens): its own database, emptied first (a new run reuses the same ids).
    os.environ["REDIS_URL"] = args.redis
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep or args.reuse):
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}"')


def clone_sql(cursor, table: str, overrides: dict[str, str], source: str) -> str:
    """INSERT INTO table (every column but id) SELECT the template row `t`'s values, or
    the SQL expression in `overrides`, FROM `source` (which names `t`)."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    columns = [c for (c,) in cursor.fetchall() if c != "id"]
    values = [overrides.get(c, f't."{c}"') for c in columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    return f"INSERT INTO {table} ({quoted}) SELECT {', '.join(values)} FROM {source}"  # noqa: S608


def setup(args) -> None:
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from orders.models import Order
    from retailers.models import Retailer
    from retailers.services import company_tenant_ensure
    from retailers.team.services import team_plan_seed_demo

    company_tenant_ensure()
    team_plan_seed_demo()
    template = Retailer.objects.bulk_create(
        [
            Retailer(
                schema_name="tb_template",
                slug="tb-template",
                display_name="Team bench template",
                retailer_number="TBTEMPLATE",
                email="tb-template@bench.example",
            )
        ]
    )[0]
    order = Order.objects.bulk_create(
        [
            Order(
                number="SS-TB-TEMPLATE",
                retailer=template,
                status="paid",
                email="buyer@bench.example",
                full_name="Bench Buyer",
                ship_line1="1 Bench St",
                ship_city="Austin",
                ship_state="TX",
                ship_postal_code="78701",
                subtotal=Decimal("10.00"),
                shipping=Decimal("0.00"),
                total=Decimal("10.00"),
                paid_at=timezone.now(),
            )
        ]
    )[0]
    r, n, depth = args.retailers, args.orders, args.depth
    with connection.cursor() as c:
        c.execute(
            clone_sql(
                c,
                "retailers_retailer",
                {
                    "schema_name": "'tb_' || g",
                    "slug": "'tb-' || g",
                    "display_name": "'Team bench ' || g",
                    "retailer_number": "'TB' || lpad(g::text, 8, '0')",
                    "email": "'tb' || g || '@bench.example'",
                    "user_id": "NULL",
                },
                f"retailers_retailer t, generate_series(1, {int(r)}) g WHERE t.id = {template.pk}",
            )
        )
        # Levels: 5 members at the top, the others evenly over levels 2..depth.
        c.execute(
            "CREATE TEMP TABLE tb AS SELECT id, row_number() OVER (ORDER BY random()) AS rn"
            " FROM retailers_retailer WHERE slug ~ '^tb-[0-9]+$'"
        )
        c.execute(
            "ALTER TABLE tb ADD lvl int; UPDATE tb SET lvl = CASE WHEN rn <= 5 THEN 1"
            " ELSE 2 + ((rn - 6) * %s / greatest(%s - 5, 1))::int END;"
            " CREATE INDEX ON tb (lvl, rn); ANALYZE tb",
            [depth - 1, r],
        )
        c.execute(
            "INSERT INTO team_teammember (retailer_id, path, enrolled_at)"
            " SELECT id, '0', now() - random() * interval '90 days' FROM tb WHERE lvl = 1"
        )
        c.execute("SELECT max(lvl) FROM tb")
        for level in range(2, c.fetchone()[0] + 1):
            c.execute(
                "INSERT INTO team_teammember (retailer_id, sponsor_id, path, enrolled_at)"
                " SELECT k.id, p.id, '0', now() - random() * interval '90 days'"
                " FROM (SELECT t.id, b.lo + floor(random() * b.n)::bigint AS prn"
                "        FROM tb t, (SELECT min(rn) AS lo, count(*) AS n FROM tb WHERE lvl = %s) b"
                "       WHERE t.lvl = %s) k JOIN tb p ON p.rn = k.prn",
                [level - 1, level],
            )
        c.execute("SELECT min(id), max(id) FROM tb")
        lo, hi = c.fetchone()
        # Orders over random retailers; 5 % are the retailer's own (its email).
        c.execute(
            clone_sql(
                c,
                "orders_order",
                {
                    "number": "'SS-TB' || lpad(g::text, 9, '0')",
                    "retailer_id": f"{lo} + floor(random() * {hi - lo + 1})::bigint",
                    "email": "'buyer' || g || '@bench.example'",
                    "subtotal": "a.amount",
                    "total": "a.amount",
                    "paid_at": "now()",
                    "created_at": "now()",
                },
                f"orders_order t, generate_series(1, {int(n)}) g CROSS JOIN LATERAL"
                " (SELECT round((10 + random() * 190 + g * 0)::numeric, 2) AS amount) a"
                f" WHERE t.id = {order.pk}",
            )
        )
        c.execute(f"DELETE FROM orders_order WHERE id = {order.pk}")  # noqa: S608
        c.execute(
            "UPDATE orders_order o SET email = r.email FROM retailers_retailer r"
            " WHERE r.id = o.retailer_id AND o.number LIKE 'SS-TB%%' AND random() < 0.05"
        )
        c.execute(
            "INSERT INTO earnings_commissionentry (retailer_id, order_id, kind, key, base, amount,"
            " note, created_at, status)"
            " SELECT retailer_id, id, 'accrual', 'paid', subtotal, round(subtotal * 0.2, 2), '',"
            " now(), 'pending' FROM orders_order WHERE number LIKE 'SS-TB%%'"
        )
        c.execute("DROP TABLE tb")
        # As autovacuum leaves bulk-loaded tables: statistics and the visibility map
        # (index-only scans).
        c.execute("VACUUM ANALYZE")


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if args.reuse:
        my_team(args)
        return
    call_command("migrate_schemas", "--shared", verbosity=0)
    t = time.perf_counter()
    setup(args)
    with connection.cursor() as c:
        c.execute("SELECT max(nlevel(path)), count(*) FROM team_teammember")
        max_depth, members = c.fetchone()
        c.execute("SELECT count(*) FROM orders_order")
        orders = c.fetchone()[0]
    print(
        f"setup: {members:,} retailers (depth {max_depth}), {orders:,} orders "
        f"in {time.perf_counter() - t:.1f} s (set-based SQL)"
    )
    close(args)
    my_team(args)
    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def close(args) -> None:
    import gc

    from django.db import connection
    from django.utils import timezone

    from retailers.earnings.close import earnings_month_close
    from retailers.earnings.models import CommissionEntry
    from retailers.team.models import MonthClose, Standing
    from shopsocial.mail.models import OutboundEmail

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    gc.collect()
    peak_rss_reset()
    month = timezone.localdate().replace(day=1)
    t = time.perf_counter()
    with connection.execute_wrapper(count):
        earnings_month_close(month=month)
    seconds = time.perf_counter() - t
    done = MonthClose.objects.get(month=month)
    lines = CommissionEntry.objects.filter(kind="override").count()
    print(
        f"close: {seconds:.1f} s, {queries[0]} queries "
        f"({queries[0] / args.retailers:.5f} per retailer), {lines:,} override lines, "
        f"${done.override_total:,} overrides, {Standing.objects.count():,} standings, "
        f"{OutboundEmail.objects.count():,} advancement emails queued, "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )
    queries[0] = 0
    t = time.perf_counter()
    with connection.execute_wrapper(count):
        earnings_month_close(month=month)
    again = CommissionEntry.objects.filter(kind="override").count()
    print(
        f"rerun: {time.perf_counter() - t:.2f} s, {queries[0]} queries, "
        f"override lines {again:,} (unchanged: {again == lines})"
    )


def my_team(args) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from retailers.decorators import SESSION_RETAILER, SESSION_SEEN

    with connection.cursor() as c:
        c.execute(
            "SELECT m.retailer_id, (SELECT count(*) FROM team_teammember d"
            " WHERE d.path <@ m.path) - 1 AS n FROM team_teammember m"
            " WHERE m.sponsor_id IS NULL ORDER BY abs(19999 - ((SELECT count(*)"
            " FROM team_teammember d WHERE d.path <@ m.path) - 1)) LIMIT 1"
        )
        top, downline = c.fetchone()
    user, _ = get_user_model().objects.get_or_create(username="tb-top")
    with connection.cursor() as c:
        c.execute("UPDATE retailers_retailer SET user_id = %s WHERE id = %s", [user.pk, top])
    client = Client(HTTP_HOST=f"www.{settings.SHOP_DOMAIN}")
    client.force_login(user, backend="retailers.backends.RetailerBackend")  # as signed in
    session = client.session
    session[SESSION_RETAILER] = top
    session[SESSION_SEEN] = int(time.time())
    session.save()

    from django.core.cache import caches

    from shopsocial.invalidation import CACHE_ALIAS, team_member_key

    def write_below() -> None:
        """What a write in the downline does to the cached section (an enrolment, a sale)."""
        caches[CACHE_ALIAS].delete(team_member_key(top))

    def timed(path: str, before=None) -> tuple[float, int]:
        queries = [0]

        def count(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        runs = []
        for i in range(args.requests + 3):
            if before is not None:
                before()
            with connection.execute_wrapper(count):
                t = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - t
            assert response.status_code == 200, (path, response.status_code)
            if i >= 3:  # warm-up
                runs.append(elapsed)
            else:
                queries[0] = 0
        return statistics.median(runs) * 1000, queries[0] // args.requests

    if args.profile:
        import cProfile
        import pstats

        timed("/backoffice/team/")  # warm
        profiler = cProfile.Profile()
        profiler.runcall(timed, "/backoffice/team/")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(70)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return
    hello_ms, hello_q = timed("/bench/hello/")
    team_ms, team_q = timed("/backoffice/team/")
    miss_ms, miss_q = timed("/backoffice/team/", before=write_below)
    page2_ms, _ = timed("/backoffice/team/?page=400")
    print(
        f"my team: downline {downline:,}; hello {hello_ms:.1f} ms ({hello_q} queries), "
        f"My team {team_ms:.1f} ms ({team_q} queries; after a write below: {miss_ms:.1f} ms, "
        f"{miss_q} queries), page 400 {page2_ms:.1f} ms (never kept); "
        f"ratio hello/My team {hello_ms / team_ms:.2f} (goal ≥ 0.35), "
        f"after a write {hello_ms / miss_ms:.2f}"
    )


if __name__ == "__main__":
    main()
