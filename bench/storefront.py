"""Storefront throughput against a bare Django view, same server, same run.

    DATABASE_URL=postgres://... uv run python bench/storefront.py [--seconds 8] [--workers 2]

Starts gunicorn on 127.0.0.1 (settings bench.storefront_settings: dev with DEBUG
off), seeds the demo data if needed, then drives the demo storefront's category
page and a bare "hello" view (same middleware stack, same worker count) in
alternating rounds, and prints requests/s of each and their ratio (goal >= 60 %).
Loopback only; a run takes about 4 x --seconds plus start-up (< 60 s by default).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "demo.localhost"
PATHS = {"category": "/c/candles/", "hello": "/bench/hello/"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _client(port: int, path: str, seconds: float, threads: int, out) -> None:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
        "User-Agent: shopsocial-bench\r\n\r\n"
    ).encode()
    counts = [0] * threads
    errors = [0] * threads
    deadline = time.monotonic() + seconds

    def loop(i: int) -> None:
        while time.monotonic() < deadline:
            response = fetch(port, request)
            if response.startswith(b"HTTP/1.1 200"):
                counts[i] += 1
            else:
                errors[i] += 1

    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    out.put((sum(counts), sum(errors)))


def drive(port: int, path: str, seconds: float, procs: int, threads: int) -> tuple[float, int]:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    clients = [
        multiprocessing.Process(target=_client, args=(port, path, seconds, threads, queue))
        for _ in range(procs)
    ]
    started = time.monotonic()
    for c in clients:
        c.start()
    results = [queue.get() for _ in clients]
    for c in clients:
        c.join()
    elapsed = time.monotonic() - started
    ok = sum(r[0] for r in results)
    return ok / elapsed, sum(r[1] for r in results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per round and page")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=2, help="connections per client process")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="turn off the anonymous page cache (listing fragments stay cached)",
    )
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL (a migrated database; the demo data is seeded here).")
        return 2
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.storefront_settings"}
    if args.no_page_cache:
        env["STOREFRONT_PAGE_CACHE_SECONDS"] = "0"
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate_schemas", "--shared", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "shopsocial.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
            "--worker-class", "sync", "--log-level", "warning", "--backlog", "256",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                fetch(port, f"GET /bench/hello/ HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                break
            except OSError:
                time.sleep(0.1)
        for name, path in PATHS.items():  # warm every worker (caches, connections)
            head = fetch(port, f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())[:15]
            if not head.startswith(b"HTTP/1.1 200"):
                print(f"{name} page answered {head!r}; is the demo data there?")
                return 1
        drive(port, PATHS["category"], 1.0, args.clients, args.threads)
        drive(port, PATHS["hello"], 1.0, args.clients, args.threads)

        totals = {name: 0.0 for name in PATHS}
        errors = 0
        for round_no in range(1, args.rounds + 1):
            for name, path in PATHS.items():
                rate, failed = drive(port, path, args.seconds, args.clients, args.threads)
                totals[name] += rate
                errors += failed
                print(f"round {round_no} {name:<8} {rate:8.0f} req/s")
    finally:
        server.terminate()
        server.wait(timeout=10)

    hello = totals["hello"] / args.rounds
    category = totals["category"] / args.rounds
    ratio = category / hello if hello else 0.0
    print(
        f"\nworkers={args.workers} clients={args.clients}x{args.threads} "
        f"seconds={args.seconds} rounds={args.rounds} errors={errors} "
        f"page_cache={'off' if args.no_page_cache else 'on'}"
    )
    print(f"hello view     {hello:8.0f} req/s")
    print(f"category page  {category:8.0f} req/s  ({PATHS['category']} on {HOST})")
    print(f"ratio          {ratio:8.1%}  (goal >= 60%)")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
