"""In-process CPU per request of every storefront page (load-independent).

    DATABASE_URL=postgres://.../ss_x uv run python bench/storefront_profile.py \
        [--requests 1000] [--only product,cart] [--shopper cart] [--profile product|cart]

Runs in one process with the bench settings (production settings, PostgreSQL, Redis):
calls Django's `WSGIHandler` directly `--requests` times per page × shopper, five
times, and prints the best `time.process_time()` per request (the CPU the server spends
on it, whatever else runs on the machine), the queries of a warm request, and the
same-stack hello's best, measured next to it, divided by the page's. With
`--profile PAGE` it prints a cProfile of that page's requests instead.
Expects the database prepared by bench/storefront.py (migrated, demo seeded);
collects static files into a temporary directory.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import bench_env  # noqa: E402
from bench.storefront import SHOP_HOST  # noqa: E402

COMPANY_HOST = "www.localhost"

KINDS = [
    ("hello", SHOP_HOST, "/bench/hello/"),
    ("home", SHOP_HOST, "/"),
    ("category", SHOP_HOST, "/c/candles/"),
    ("product", SHOP_HOST, "/p/PRODUCT/"),
    ("search", SHOP_HOST, "/search/?q=candle"),
    ("privacy", SHOP_HOST, "/privacy/"),
    ("finder", COMPANY_HOST, "/find-a-retailer/?q=CA"),
    ("cart", SHOP_HOST, "/cart/"),
]


def _environ(host: str, path: str, cookie: str) -> dict:
    from io import BytesIO

    path_info, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.url_scheme": "https",  # gunicorn trusts the proxy header on loopback
        "wsgi.input": BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--only", default="")
    parser.add_argument("--shopper", default="", help="anonymous | cart | signed-in")
    parser.add_argument("--profile", default="", help="page name: print a cProfile of it")
    parser.add_argument("--gc", default="", help="freeze: gc.freeze() before measuring")
    parser.add_argument("--bare", action="store_true", help="the bare hello (no middleware)")
    parser.add_argument("--dump", type=Path, help="with --profile: also save the raw profile here")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL (a database prepared by bench/storefront.py).")
        return 2
    os.environ.update(bench_env(Path(tempfile.mkdtemp(prefix="shopsocial-profile-"))))
    if args.bare:
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare_settings"

    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection

    from bench.storefront import SETUP

    call_command("collectstatic", "--noinput", "-v", "0")

    pages = [
        (name, host, path, shopper)
        for shopper in ("anonymous", "cart", "signed-in")
        for name, host, path in KINDS
        if not (name in ("hello", "finder") and shopper != "anonymous")
    ]
    if args.only:
        pages = [p for p in pages if p[0] in args.only.split(",") or p[0] == "hello"]
    if args.shopper:
        pages = [p for p in pages if p[3] == args.shopper or p[0] == "hello"]
    if args.profile:
        pages = [p for p in pages if p[0] == args.profile][:1]
    if args.bare:
        pages = [p for p in pages if p[0] == "hello"]
    os.environ["BENCH_PAGES"] = json.dumps([p for p in pages if p[0] != "hello"])
    captured_out = io.StringIO()
    stdout, sys.stdout = sys.stdout, captured_out
    try:
        exec(SETUP, {})  # noqa: S102 - the benchmark's own setup code
    finally:
        sys.stdout = stdout
    info = json.loads(captured_out.getvalue().split("BENCH-SETUP ", 1)[1])
    cookie_name = settings.SESSION_COOKIE_NAME
    handler = WSGIHandler()

    def call(environ: dict) -> None:
        status = []
        body = handler(dict(environ), lambda s, h, exc_info=None: status.append((s, h)))
        for _ in body:
            pass
        body.close()
        if not status[0][0].startswith("200"):
            raise SystemExit(f"{environ['HTTP_HOST']}{environ['PATH_INFO']}: {status[0][0]}")
        if any(name.lower() == "set-cookie" for name, _ in status[0][1]):
            raise SystemExit(f"{environ['HTTP_HOST']}{environ['PATH_INFO']} set a cookie")

    if args.gc == "freeze":
        import gc

        gc.collect()
        gc.freeze()
    print(f"{'page':<10} {'shopper':<10} {'µs CPU/request':>15} {'queries':>8} {'hello/page':>10}")
    hello_environ = None
    for name, host, path, shopper in pages:
        key = info["sessions"].get(shopper, "")
        environ = _environ(
            host, path.replace("PRODUCT", info["product"]), f"{cookie_name}={key}" if key else ""
        )
        for _ in range(3):
            call(environ)
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):  # the handler resets connection.queries
            call(environ)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                call(environ)
            profiler.disable()
            if args.dump:
                profiler.dump_stats(args.dump)
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(40)
            print(out.getvalue())
            continue

        def cpu_per_request(environ: dict) -> float:
            started = time.process_time()
            for _ in range(args.requests):
                call(environ)
            return (time.process_time() - started) / args.requests

        # Best of 5 for the page and, right next to it each time, for the hello: the
        # ratio of the two is what the wrk table measures, less gunicorn's own work.
        best = hello_best = float("inf")
        for _ in range(5):
            best = min(best, cpu_per_request(environ))
            if hello_environ is not None:
                hello_best = min(hello_best, cpu_per_request(hello_environ))
        if name == "hello":
            hello_environ = environ
            hello_best = best
        ratio = f"{hello_best / best:10.2f}" if hello_environ is not None else ""
        print(f"{name:<10} {shopper:<10} {best * 1e6:15.0f} {len(queries):8d} {ratio}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
