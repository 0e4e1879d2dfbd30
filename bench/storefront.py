"""Storefront pages against the framework's floor: one run, alternating rounds.

    DATABASE_URL=postgres://.../ss_x uv run python bench/storefront.py [--seconds 4] [--rounds 2]

Starts two gunicorn servers on loopback (2 sync workers each, production settings,
PostgreSQL and Redis):

- the shop (`bench.storefront_settings`: production settings plus `/bench/hello/`, a
  view answering "hello" through the shop's full middleware stack);
- a bare Django (`bench.bare_settings`: the same settings with no middleware at all,
  serving only the hello view).

It seeds the demo data if needed, makes a cart session and a signed-in session (with a
cart), counts the SQL queries of every page (warm, in process, through the same
middleware), then drives every page x shopper with `wrk` (16 connections) in
alternating rounds and prints one table: requests/s, share of the same-stack hello,
p99 latency and queries, and the hello's share of the bare view. Needs `wrk`
(Debian: `apt-get install wrk`). Loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "localhost"
SHOP_HOST = f"demo.{DOMAIN}"
COMPANY_HOST = f"www.{DOMAIN}"

ANON_GOAL = 0.6
SESSION_GOAL = 0.35
HELLO_GOAL = 0.6


@dataclass(frozen=True)
class Page:
    name: str
    host: str
    path: str
    shopper: str  # anonymous | cart | signed-in | - (baselines)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.shopper})" if self.shopper != "-" else self.name


@dataclass
class Result:
    rates: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)  # of its baseline, measured next to it
    errors: int = 0

    @property
    def share(self) -> float:
        return statistics.median(self.shares) if self.shares else 0.0

    @property
    def rate(self) -> float:
        return sum(self.rates) / len(self.rates) if self.rates else 0.0


# --- setup inside Django (a subprocess with the bench settings) ---------------------
SETUP = r"""
import json, os
from django.conf import settings
from django.contrib.auth import get_user_model, HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from importlib import import_module

from retailers.models import Retailer
from storefront.models import Product

demo = Retailer.objects.get(slug="demo")
product = (
    Product.objects.filter(active=True, variants__active=True, variants__stock__gte=20)
    .order_by("pk").first()
)
User = get_user_model()
user = User.objects.filter(username="bench-shopper@example.com").first()
if user is None:
    user = User.objects.create_user(
        "bench-shopper@example.com", "bench-shopper@example.com", "bench-only-password-1"
    )
store = import_module(settings.SESSION_ENGINE).SessionStore
variant = product.variants.filter(active=True).order_by("position", "pk").first()
cart = {f"cart:{demo.schema_name}:variants": {str(variant.pk): 2}}  # storefront/cart.py
cart_session = store()
cart_session.update(cart)
cart_session.create()
signed = store()
signed.update(cart)
signed[SESSION_KEY] = str(user.pk)
signed[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
signed[HASH_SESSION_KEY] = user.get_session_auth_hash()
signed.create()
sessions = {"anonymous": "", "cart": cart_session.session_key, "signed-in": signed.session_key}
# A scene and a share link of the demo storefront, for their landing pages.
from datetime import date, timedelta
from storefront.scenes.models import Scene, ShareLink
from storefront.scenes.services import scene_create, share_link_create
scene = Scene.objects.filter(retailer=demo, title="Bench scene", status="open").first()
if scene is None:
    scene = scene_create(
        retailer=demo, title="Bench scene", host_name="Bench", host_email="bench@example.com",
        date=date.today(), closes_on=date.today() + timedelta(days=30), delivery="guest",
    )
link = ShareLink.objects.filter(retailer=demo, label="Bench link").first()
if link is None:
    link = share_link_create(retailer=demo, target="scene", scene=scene, label="Bench link")
pages = json.loads(
    os.environ["BENCH_PAGES"].replace("PRODUCT", product.slug)
    .replace("SCENE", scene.code).replace("SHARELINK", link.code)
)
queries = {}
for name, host, path, shopper in pages:
    client = Client()
    if sessions.get(shopper):
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[shopper]
    for attempt in (1, 2, 3):  # the third is the warm figure
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, HTTP_HOST=host, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{host}{path} ({shopper}) answered {response.status_code}")
        if response.cookies:
            raise SystemExit(f"{host}{path} ({shopper}) set a cookie: {list(response.cookies)}")
    queries[f"{name}|{shopper}"] = len(captured)
print("BENCH-SETUP " + json.dumps({
    "product": product.slug, "scene": scene.code, "share": link.code,
    "sessions": sessions, "queries": queries,
    "cookie": settings.SESSION_COOKIE_NAME,
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(static_root: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "SECURE_")) and k != "DEBUG"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.storefront_settings",
        SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        FIELD_ENCRYPTION_KEYS="YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMtbG8=",
        OFFLINE_GATEWAY_WEBHOOK_SECRET="whsec_bench",
        SHOP_DOMAIN=DOMAIN,
        STATIC_ROOT=str(static_root),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
        CELERY_BROKER_URL="",  # tasks inline: no worker runs during the bench
        # Production refuses to start without a gateway; browsing never calls it.
        STRIPE_SECRET_KEY="sk_test_bench_never_called",
        STRIPE_WEBHOOK_SECRET="whsec_bench_never_called",
    )
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "shopsocial.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", "sync", "--log-level", "warning", "--backlog", "2048",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip


def get(port: int, page: Page, cookie: str = "") -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{page.path}",
        headers={
            "Host": page.host,
            "X-Forwarded-Proto": "https",
            **({"Cookie": cookie} if cookie else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def drain(port: int, page: Page) -> None:
    """Wait until the server has worked through what wrk left queued (closed
    connections still in its accept queue), so it does not spill into the next page."""
    for _ in range(300):
        started = time.monotonic()
        get(port, page)
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.1)


def wait_ready(port: int, page: Page) -> None:
    for _ in range(200):
        try:
            get(port, page)
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"server on {port} did not start")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(port: int, page: Page, cookie: str, seconds: float, connections: int):
    command = [
        "wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
        "-H", f"Host: {page.host}", "-H", "X-Forwarded-Proto: https",
    ]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{page.path}")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", out).groups()
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += int(match.group(1)) + int(match.group(3)) + int(match.group(4))
    return rate, float(value) * _UNITS[unit], errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=4, help="per page and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", default="", help="comma-separated page names (quick looks)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL (a database on a loopback server; demo data is seeded).")
        return 2
    if not shutil.which("wrk"):
        print("wrk is needed (Debian: apt-get install wrk)")
        return 2
    static_root = Path(tempfile.mkdtemp(prefix="shopsocial-bench-static-"))
    env = bench_env(static_root)
    print("preparing: migrate, seed_demo, collectstatic ...", flush=True)
    manage(env, "migrate_schemas", "--noinput", "-v", "0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "-v", "0")

    hello = Page("hello, same stack", SHOP_HOST, "/bench/hello/", "-")
    bare = Page("hello, bare Django", SHOP_HOST, "/bench/hello/", "-")
    kinds = [
        ("home", SHOP_HOST, "/"),
        ("category", SHOP_HOST, "/c/candles/"),
        ("product", SHOP_HOST, "/p/PRODUCT/"),
        ("search", SHOP_HOST, "/search/?q=candle"),
        ("privacy", SHOP_HOST, "/privacy/"),
        ("cart", SHOP_HOST, "/cart/"),
        ("scene", SHOP_HOST, "/s/SCENE/"),
        ("share link", SHOP_HOST, "/l/SHARELINK/"),
    ]
    pages = [Page(n, h, p, s) for s in ("anonymous", "cart", "signed-in") for n, h, p in kinds]
    pages.insert(5, Page("finder", COMPANY_HOST, "/find-a-retailer/?q=CA", "anonymous"))
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in pages if p.name in wanted]

    pages_json = json.dumps([[p.name, p.host, p.path, p.shopper] for p in pages])
    setup = manage({**env, "BENCH_PAGES": pages_json}, "shell", "-c", SETUP)
    info = json.loads(setup.split("BENCH-SETUP ", 1)[1])
    pages = [
        Page(
            p.name,
            p.host,
            p.path.replace("PRODUCT", info["product"])
            .replace("SCENE", info["scene"])
            .replace("SHARELINK", info["share"]),
            p.shopper,
        )
        for p in pages
    ]
    cookies = {
        shopper: f"{info['cookie']}={key}" if key else ""
        for shopper, key in info["sessions"].items()
    }
    cookies["-"] = ""

    shop_port, bare_port = free_port(), free_port()
    bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.bare_settings"}
    servers = [gunicorn(env, shop_port, args.workers), gunicorn(bare_env, bare_port, args.workers)]
    results: dict[str, Result] = {}
    loads: list[float] = []
    try:
        wait_ready(shop_port, hello)
        wait_ready(bare_port, bare)
        plan = [(bare_port, bare), (shop_port, hello), *((shop_port, p) for p in pages)]
        for port, page in plan:  # warm every worker: caches, connections, templates
            for _ in range(2 * args.workers):
                status = get(port, page, cookies[page.shopper])
                if status != 200:
                    sys.exit(f"{page.label} answered {status}")
        # Each page is measured right next to its baseline (the hello next to the
        # bare view), in alternating order, so that the load others put on the
        # machine weighs on both sides of each ratio alike.
        pairs = [((bare_port, bare), (shop_port, hello))]
        pairs += [((shop_port, hello), (shop_port, page)) for page in pages]
        for round_no in range(args.rounds):
            loads.append(os.getloadavg()[0])
            for pair in pairs:
                rates = {}
                for port, page in pair if round_no % 2 == 0 else reversed(pair):
                    rate, p99, errors = run_wrk(
                        port, page, cookies[page.shopper], args.seconds, args.connections
                    )
                    drain(port, hello if port == shop_port else bare)
                    result = results.setdefault(page.label, Result())
                    result.rates.append(rate)
                    result.p99_ms.append(p99)
                    result.errors += errors
                    rates[page.label] = rate
                    print(f"round {round_no + 1} {page.label:<28} {rate:8.0f} req/s  p99 {p99:7.1f} ms",
                          flush=True)  # fmt: skip
                base, measured = pair[0][1].label, pair[1][1].label
                results[measured].shares.append(rates[measured] / rates[base] if rates[base] else 0)
        loads.append(os.getloadavg()[0])
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)
        shutil.rmtree(static_root, ignore_errors=True)

    rows = []
    failed = False
    print(
        f"\nworkers={args.workers} (sync) connections={args.connections} "
        f"seconds={args.seconds} rounds={args.rounds} "
        f"load average {min(loads):.1f}-{max(loads):.1f} (1 min, sampled each round)\n"
    )
    print("| page | shopper | req/s | share of hello | goal | p99 ms | queries |")
    print("|---|---|---|---|---|---|---|")
    for page in [bare, hello, *pages]:
        result = results[page.label]
        if page is bare:
            share, goal = 1.0, None
        elif page is hello:
            share, goal = result.share, HELLO_GOAL
        else:
            share = result.share
            goal = ANON_GOAL if page.shopper == "anonymous" else SESSION_GOAL
        met = goal is None or share >= goal
        failed |= not met or result.errors > 0
        queries = info["queries"].get(f"{page.name}|{page.shopper}", 0)
        share_text = f"{share:.2f} of bare" if page is hello else (
            "—" if page is bare else f"{share:.2f}"
        )  # fmt: skip
        goal_text = "—" if goal is None else f"≥ {goal} {'met' if met else 'NOT MET'}"
        print(
            f"| {page.name} | {page.shopper} | {result.rate:,.0f} | {share_text} | {goal_text} "
            f"| {max(result.p99_ms):.1f} | {queries} |"
            + (f" errors: {result.errors}" if result.errors else "")
        )
        rows.append(
            {
                "page": page.name, "shopper": page.shopper, "rps": result.rate,
                "rates": result.rates, "shares": result.shares, "share": share, "goal": goal,
                "p99_ms": max(result.p99_ms), "queries": queries, "errors": result.errors,
            }
        )  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"loads": loads, "rows": rows}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
