"""Earnings benchmark: accrue commissions for N paid orders over M retailers, close the month.

    uv run python bench/earnings.py                          # 100,000 orders, 10,000 retailers
    uv run python bench/earnings.py --orders 20000 --retailers 2000

1. creates its own database `<DATABASE_URL's name>_earnings_bench` on the same server
   (dropped at the end; --keep keeps it) and migrates the public schema;
2. bulk-inserts M retailers (rows only: storefront schemas are not needed here),
   a catalog, and N orders of 1–3 lines, 5 % of them by returning customers, as
   "pending payment";
3. marks each order paid through the real order flow (`order_transition`, which
   calls `commission_on_order_transition` in the same transaction): one ledger
   entry per order, customer protection looked up and recorded -> orders/s;
4. closes the month: one statement CSV per retailer, streamed (server-side
   cursors) -> statements/s and peak memory (RSS sampled along the way).

Needs DATABASE_URL (any PostgreSQL the user may create databases on).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    """Peak RSS since the last `peak_rss_reset()` (Linux VmHWM), else since the start."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_reset() -> None:
    """Start measuring the peak afresh (Linux: writing 5 to clear_refs resets VmHWM), so the
    setup's bulk inserts do not count as the measured phases' peak."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def bench_database(base_url: str, *, fresh: bool = True) -> tuple[str, str, str]:
    import psycopg

    parts = urlsplit(base_url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_earnings_bench"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl(), admin, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--retailers", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--hook-sample", type=int, default=2000, help="orders paid through the order flow"
    )
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench makes its own database).")
    url, admin_url, db_name = bench_database(base)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsocial.settings.dev")
    os.environ["DEBUG"] = "false"  # no query log
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate_schemas", "--shared", verbosity=0)

    from orders.models import Order, OrderLine
    from orders.services.transitions import order_transition
    from retailers.earnings.models import CommissionEntry
    from retailers.earnings.reports import statements_write_all
    from retailers.earnings.services import commissions_accrue_missing
    from retailers.models import Retailer
    from storefront.models import Category, Product

    rng = random.Random(7)
    t = time.perf_counter()
    retailers = Retailer.objects.bulk_create(
        [
            Retailer(
                schema_name=f"bench_{n}",
                slug=f"bench-{n}",
                display_name=f"Bench {n}",
                retailer_number=f"B{n:07d}",
                level=rng.choice(["retailer", "retailer", "senior", "director"]),
            )
            for n in range(args.retailers)
        ],
        batch_size=5000,
    )
    cats = [Category.objects.create(name=f"Cat {c}", slug=f"cat-{c}") for c in range(5)]
    products = Product.objects.bulk_create(
        [
            Product(
                sku=f"BENCH-{p}",
                name=f"Bench product {p}",
                slug=f"bench-product-{p}",
                category=cats[p % 5],
                price=Decimal(rng.randrange(500, 9000)) / 100,
                stock=10**6,
            )
            for p in range(60)
        ]
    )
    now = timezone.now()
    customers = max(1, int(args.orders * 0.95))
    orders, lines = [], []
    for n in range(args.orders):
        chosen = [(rng.choice(products), rng.randint(1, 3)) for _ in range(rng.randint(1, 3))]
        subtotal = sum((p.price * q for p, q in chosen), Decimal("0"))
        orders.append(
            Order(
                number=f"SS-B{n:08d}",
                retailer=retailers[n % len(retailers)],
                email=f"buyer{rng.randrange(customers)}@bench.example",
                full_name="Bench Buyer",
                ship_line1="1 Bench St",
                ship_city="Austin",
                ship_state="TX",
                ship_postal_code="78701",
                subtotal=subtotal,
                shipping=Decimal("7.95"),
                total=subtotal + Decimal("7.95"),
            )
        )
        lines.append(chosen)
    orders = Order.objects.bulk_create(orders, batch_size=5000)
    OrderLine.objects.bulk_create(
        [
            OrderLine(order=o, product=p, sku=p.sku, name=p.name, unit_price=p.price, quantity=q)
            for o, chosen in zip(orders, lines, strict=True)
            for p, q in chosen
        ],
        batch_size=10000,
    )
    order_ids = [o.pk for o in orders]
    del orders, lines
    print(
        f"setup: {args.retailers:,} retailers, {len(order_ids):,} orders in "
        f"{time.perf_counter() - t:.1f} s"
    )

    slow = {}

    def timer(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = sql[:90]
            slow[key] = slow.get(key, 0) + time.perf_counter() - t0

    import gc

    gc.collect()
    setup_peak = peak_rss_mb()
    peak_rss_reset()
    rss_start = rss_mb()
    # (a) The order flow: each payment is one transaction that also accrues (the hook).
    hook_ids = order_ids[: args.hook_sample]
    queries = [0]

    def counter(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    t = time.perf_counter()
    with connection.execute_wrapper(counter):
        for order_id in hook_ids:
            order_transition(
                order_id=order_id,
                to_status=Order.Status.PAID,
                actor="bench",
                changes={"paid_at": now},
            )
    hook_s = time.perf_counter() - t
    if connection.execute_wrappers:
        for sql, secs in sorted(slow.items(), key=lambda kv: -kv[1])[:12]:
            print(f"  {secs:7.2f} s  {sql}")
    print(
        f"accrue via the order flow (payment + ledger, one transaction each): "
        f"{len(hook_ids):,} orders in {hook_s:.1f} s = {len(hook_ids) / hook_s:,.0f} orders/s, "
        f"{queries[0] / max(1, len(hook_ids)):.1f} queries per order"
    )
    # (b) The rest were paid without the ledger (as if the hook had been missed) and the
    # hourly safety-net job accrues them: the bulk path.
    Order.objects.filter(pk__in=order_ids[args.hook_sample :]).update(
        status=Order.Status.PAID, paid_at=now
    )
    samples = []
    t = time.perf_counter()
    done = 0
    while True:
        batch = commissions_accrue_missing(limit=2_000)
        done += batch
        samples.append(round(rss_mb(), 1))
        if batch == 0:
            break
    accrue_s = time.perf_counter() - t
    entries = CommissionEntry.objects.count()
    print(
        f"accrue via the catch-up job: {done:,} orders in {accrue_s:.1f} s = "
        f"{done / accrue_s:,.0f} orders/s; ledger entries now {entries:,} "
        f"(one per order: {entries == len(order_ids)}); RSS samples {samples} MB"
    )

    out = Path(tempfile.mkdtemp(prefix="earnings-bench-"))
    rss_before = rss_mb()
    t = time.perf_counter()
    today = timezone.localdate()
    written = statements_write_all(year=today.year, month=today.month, directory=out)
    close_s = time.perf_counter() - t
    print(
        f"close month: {written:,} statements in {close_s:.1f} s = {written / close_s:,.0f}/s; "
        f"RSS {rss_before:.1f} MB before, {rss_mb():.1f} MB after; peak over accrual and close "
        f"{peak_rss_mb():.1f} MB (RSS {rss_start:.1f} MB when they started; the setup's own "
        f"peak was {setup_peak:.1f} MB)"
    )
    for path in out.iterdir():
        path.unlink()
    out.rmdir()

    connection.close()
    if not args.keep:
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{db_name}"')


if __name__ == "__main__":
    main()
