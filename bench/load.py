"""Load test: N concurrent shoppers over 10 storefronts against gunicorn, loopback only.

    uv run python bench/load.py                      # 100 shoppers, 60 s
    uv run python bench/load.py --users 50 --duration 20

What it does, bounded in time:
1. prepares its own database (`<DATABASE_URL's database>_bench`, created on the same
   server; `--keep-db` reuses it): migrate_schemas, seed_demo, and enough storefronts
   (`bench-01` ...) to make `--storefronts` retailers; collectstatic into a temp dir;
2. starts gunicorn (production settings, gthread workers) on a free loopback port,
   behind a pretend TLS terminator (`X-Forwarded-Proto: https`, as the load balancer
   sends);
3. discovers each storefront's pages by following the links of its home page (home,
   categories, products, privacy, ...) plus a search, and puts a product in a cart
   when the storefront offers an add-to-cart form;
4. runs N shopper threads for D seconds, closed loop (no think time): each shopper
   keeps to one storefront and requests a random page of it, over and over;
5. prints requests/s, p50/p95/p99 latency and the error count (any status >= 400 or a
   connection error), then stops gunicorn.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import free_port, manage, percentile  # noqa: E402
from ops.stack import Response, gunicorn_command, http_request  # noqa: E402

DOMAIN = "localhost"
EXCLUDE = ("/admin", "/account", "/logout", "/backoffice", "/register", "/unsubscribe", "/static")


def bench_database_url(base_url: str) -> tuple[str, str, str]:
    """(bench database URL, admin URL, bench database name) from the base URL."""
    parts = urlsplit(base_url)
    name = parts.path.lstrip("/") or "shopsocial"
    bench = f"{name}_bench"
    return (
        parts._replace(path=f"/{bench}").geturl(),
        parts._replace(path="/postgres").geturl(),
        bench,
    )


def ensure_database(admin_url: str, name: str, *, recreate: bool) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if recreate:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


PROVISION = """
from retailers.models import Retailer
from retailers.services import retailer_provision
have = Retailer.objects.filter(kind=Retailer.Kind.RETAILER).count()
for n in range(1, max(0, {want} - have) + 1):
    slug = f"bench-{{n:02d}}"
    if not Retailer.objects.filter(slug=slug).exists():
        retailer_provision(slug=slug, display_name=f"Bench Shop {{n}}", city="Austin", state="TX", postal_code="78701")
print(",".join(Retailer.objects.filter(kind=Retailer.Kind.RETAILER, status="active").order_by("pk").values_list("slug", flat=True)[:{want}]))
"""


# --- HTTP -------------------------------------------------------------------


def request(
    port: int,
    host: str,
    path: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> Response:
    return http_request(
        port,
        f"{host}:{port}",
        path,
        method=method,
        body=body,
        headers={"X-Forwarded-Proto": "https", "User-Agent": "shopsocial-bench", **(headers or {})},
        timeout=timeout,
    )


HREF = re.compile(rb'href="([^"#]+)"')
FORM = re.compile(
    rb'<form[^>]*method="post"[^>]*action="([^"]*cart[^"]*)"[^>]*>(.*?)</form>', re.S | re.I
)
INPUT = re.compile(rb'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', re.I)


def discover(port: int, slug: str, limit: int = 15) -> tuple[list[str], tuple[str, bytes] | None]:
    """Pages of one storefront (breadth-first from the home page) and its add-to-cart form."""
    host = f"{slug}.{DOMAIN}"
    pages: list[str] = []
    cart_form: tuple[str, bytes] | None = None
    queue = ["/"]
    seen = {"/"}
    fetched = 0
    while queue and fetched < 30 and (len(pages) < limit or cart_form is None):
        path = queue.pop(0)
        resp = request(port, host, path)
        fetched += 1
        if resp.status != 200:
            continue
        if len(pages) < limit:
            pages.append(path)
        for href in HREF.findall(resp.body):
            url = urljoin(f"https://{host}{path}", href.decode())
            parts = urlsplit(url)
            if parts.hostname != host or parts.path.startswith(EXCLUDE):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                # Products first: they hold the add-to-cart form.
                (queue.insert(0, target) if target.startswith("/p/") else queue.append(target))
        if cart_form is None:
            match = FORM.search(resp.body)
            if match:
                fields = {k.decode(): v.decode() for k, v in INPUT.findall(match.group(2))}
                body = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
                cart_form = (urljoin(path, match.group(1).decode()), body)
    if request(port, host, "/search/?q=candle").status == 200:
        pages.append("/search/?q=candle")
    return pages, cart_form


# --- Shoppers ---------------------------------------------------------------


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def shopper(
    port: int,
    slug: str,
    pages: list[str],
    cart_form: tuple[str, bytes] | None,
    deadline: float,
    results: Results,
    seed: int,
) -> None:
    rnd = random.Random(seed)
    host = f"{slug}.{DOMAIN}"
    cookie = ""
    lat: list[float] = []
    statuses: Counter = Counter()
    errors: Counter = Counter()
    while time.monotonic() < deadline:
        headers = {"Cookie": cookie} if cookie else {}
        method, path, body = "GET", rnd.choice(pages), None
        if cart_form and rnd.random() < 0.05:
            method, path, body = "POST", cart_form[0], cart_form[1]
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": f"https://{host}:{port}",
                    "Sec-Fetch-Site": "same-origin",
                }
            )
        started = time.perf_counter()
        try:
            resp = request(port, host, path, method=method, body=body, headers=headers)
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            errors[type(exc).__name__] += 1
            continue
        lat.append(time.perf_counter() - started)
        statuses[resp.status] += 1
        if resp.status >= 400:
            errors[f"HTTP {resp.status} {method} {path}"] += 1
        set_cookie = resp.headers.get("set-cookie")
        if set_cookie:
            cookie = set_cookie.split(";", 1)[0]
    with results.lock:
        results.latencies.extend(lat)
        results.statuses.update(statuses)
        results.errors.update(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--storefronts", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shopsocial"),
        help="server to use; the bench uses its own database <name>_bench on it",
    )
    parser.add_argument("--fresh-db", action="store_true", help="drop and recreate the bench DB")
    args = parser.parse_args()

    db_url, admin_url, db_name = bench_database_url(args.database_url)
    ensure_database(admin_url, db_name, recreate=args.fresh_db)
    static_root = Path(tempfile.mkdtemp(prefix="shopsocial-bench-static-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "SECURE_")) and k != "DEBUG"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="shopsocial.settings.production",
        SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        FIELD_ENCRYPTION_KEYS="YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMtbG8=",
        OFFLINE_GATEWAY_WEBHOOK_SECRET="whsec_bench",
        # Production refuses to start without a gateway key or the demo switch, and
        # without Redis (shopsocial/guards.py).
        PAYMENTS_OFFLINE_DEMO="true",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
        SHOP_DOMAIN=DOMAIN,
        DATABASE_URL=db_url,
        STATIC_ROOT=str(static_root),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    port = free_port()
    env["SHOP_PORT"] = f":{port}"
    print(f"preparing {db_name} (migrate, seed, {args.storefronts} storefronts, collectstatic)...")
    manage(env, "migrate_schemas", "--noinput", "-v", "0")
    manage(env, "seed_demo")
    slugs = (
        manage(env, "shell", "-c", PROVISION.format(want=args.storefronts))
        .strip()
        .splitlines()[-1]
        .split(",")
    )
    manage(env, "collectstatic", "--noinput", "-v", "0")

    gunicorn = subprocess.Popen(
        gunicorn_command(
            port,
            workers=args.workers,
            threads=args.threads,
            extra=[
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
        ),
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(150):
            with contextlib.suppress(OSError):
                if request(port, f"www.{DOMAIN}", "/healthz", timeout=2).status == 200:
                    break
            time.sleep(0.2)
        else:
            sys.exit("gunicorn did not answer /healthz")
        catalog = {slug: discover(port, slug) for slug in slugs}
        pages_total = sum(len(p) for p, _ in catalog.values())
        carts = sum(1 for _, form in catalog.values() if form)
        print(
            f"{len(slugs)} storefronts, {pages_total} pages discovered, "
            f"add-to-cart form on {carts}; gunicorn {args.workers}x{args.threads} gthread"
        )
        results = Results()
        deadline = time.monotonic() + args.duration
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=shopper,
                args=(port, slug, *catalog[slug], deadline, results, n),
                daemon=True,
            )
            for n, slug in ((n, slugs[n % len(slugs)]) for n in range(args.users))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.duration + 60)
        elapsed = time.monotonic() - started
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
        shutil.rmtree(static_root, ignore_errors=True)

    lat = sorted(results.latencies)
    total = len(lat) + sum(v for k, v in results.errors.items() if not k.startswith("HTTP"))
    error_count = sum(results.errors.values())
    print(f"users={args.users} duration={elapsed:.1f}s requests={total}")
    print(f"requests/s: {len(lat) / elapsed:.1f}")
    print(
        f"latency ms: p50={percentile(lat, 50) * 1000:.1f} p95={percentile(lat, 95) * 1000:.1f} "
        f"p99={percentile(lat, 99) * 1000:.1f} mean={statistics.fmean(lat) * 1000 if lat else 0:.1f}"
    )
    print(f"statuses: {dict(sorted(results.statuses.items()))}")
    print(f"errors: {error_count}")
    for reason, count in results.errors.most_common(10):
        print(f"  {count:6d}  {reason}")
    sys.exit(1 if error_count else 0)


if __name__ == "__main__":
    main()
