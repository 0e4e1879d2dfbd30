"""Chat benchmark: N concurrent chat sockets against the ASGI server, loopback only.

    uv run python bench/chat.py                          # 500 sockets, 60 s, 2 workers
    uv run python bench/chat.py --sockets 100 --duration 20 --workers 1

What it does, bounded in time:
1. prepares its own database (`<DATABASE_URL's database>_chatbench` on the same server;
   `--fresh-db` recreates it): migrate_schemas, seed_demo; opens N/2 chats on the demo
   storefront through the chat service (each chat is a ticket);
2. starts gunicorn with uvicorn workers (`shopsocial.asgi:application`, production
   settings, exactly the docker-compose command) on a free loopback port, with the Redis
   channel layer (`--redis`, default redis://127.0.0.1:6379/15) so sockets of one chat on
   different worker processes reach each other through Redis;
3. connects N sockets, two per chat (the person's two tabs: the second stands for the
   other party), ramping up in batches; the first batch warms the workers, then the
   workers' resident memory is read before and after the rest connect:
   memory per connection = (after - before) / (N - first batch);
4. for `--duration` seconds every socket sends a message every `--interval` seconds
   (randomised +-50 %). Each message is written to PostgreSQL as a ticket message and
   then broadcast; delivery latency is measured from the send on one socket to its arrival
   on the chat's other socket (same client clock);
5. prints p50/p95/p99 delivery latency, throughput, memory per connection, and any
   connection failure, error frame or lost message; then stops the server and deletes the
   chats it opened.

The per-address rate limit is switched off for the run (every socket comes from
127.0.0.1); the per-connection limit stays on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import free_port, manage, percentile  # noqa: E402

DOMAIN = "localhost"
HOST = "demo"

OPEN_CHATS = """
import json
from privacy.chat.services import chat_start
from retailers.models import Retailer
demo = Retailer.objects.get(slug="demo")
tokens = []
for n in range({count}):
    chat, token = chat_start(topic="other", name=f"Bench {{n}}", email=f"bench{{n}}@example.com",
                             storefront=demo)
    tokens.append(token)
print("TOKENS" + json.dumps(tokens))
"""
CLEAN_UP = """
from privacy.models import Ticket
print(Ticket.objects.filter(email__startswith="bench", email__endswith="@example.com").delete())
"""


def bench_database(base_url: str) -> tuple[str, str, str]:
    parts = urlsplit(base_url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1", None, ""):
        sys.exit("refusing a non-loopback database host")
    name = parts.path.lstrip("/") or "shopsocial"
    bench = f"{name}_chatbench"
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


def rss_kib(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def worker_pids(master: int) -> list[int]:
    with contextlib.suppress(OSError):
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
        return [int(p) for p in text.split()]
    return []


def workers_cpu_seconds(master: int) -> float:
    total = 0
    for pid in worker_pids(master):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


def workers_rss_kib(master: int) -> int:
    return sum(rss_kib(pid) for pid in worker_pids(master))


def healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz", headers={"Host": f"www.{DOMAIN}:{port}"})
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


class Stats:
    def __init__(self) -> None:
        self.latencies_ms: list[float] = []
        self.sent = 0
        self.received = 0
        self.errors: list[str] = []
        self.connect_failures = 0


async def run_clients(
    args, port: int, tokens: list[str], stats: Stats, on_warm, on_connected
) -> None:
    import websockets

    url = f"ws://{HOST}.{DOMAIN}:{port}/ws/chat/"
    origin = f"http://{HOST}.{DOMAIN}:{port}"
    sockets: list = []

    async def open_one(token: str):
        try:
            ws = await websockets.connect(
                url,
                host="127.0.0.1",
                port=port,
                origin=origin,
                open_timeout=60,
                ping_interval=None,
                max_queue=None,
                compression=None,
            )
            await ws.send(json.dumps({"type": "hello", "token": token}))
            for _ in range(2):  # history, state
                json.loads(await asyncio.wait_for(ws.recv(), 60))
            return ws
        except Exception as exc:  # counted, the run goes on
            stats.connect_failures += 1
            stats.errors.append(f"connect: {exc!r}"[:200])
            return None

    pairs = [t for t in tokens for _ in range(2)]
    for start in range(0, len(pairs), args.ramp_batch):
        batch = pairs[start : start + args.ramp_batch]
        sockets.extend(await asyncio.gather(*(open_one(t) for t in batch)))
        if start == 0:  # the first batch warms the workers (code paths, DB threads)
            await on_warm(len(batch))
    live = [(i, ws) for i, ws in enumerate(sockets) if ws is not None]
    await on_connected(len(live))

    stop_at = time.monotonic() + args.duration
    drain_until = stop_at + 5

    async def reader(index: int, ws) -> None:
        while time.monotonic() < drain_until:
            try:
                raw = await asyncio.wait_for(ws.recv(), max(0.1, drain_until - time.monotonic()))
            except TimeoutError:
                return
            except Exception as exc:
                stats.errors.append(f"recv: {exc!r}"[:200])
                return
            frame = json.loads(raw)
            if frame.get("type") == "message":
                _, sender, _seq, sent_ns = frame["body"].split(":")
                if int(sender) != index:  # the other party's message
                    stats.received += 1
                    stats.latencies_ms.append((time.perf_counter_ns() - int(sent_ns)) / 1e6)
            elif frame.get("type") == "error":
                stats.errors.append(f"error frame: {frame.get('message')}")

    async def writer(index: int, ws) -> None:
        seq = 0
        await asyncio.sleep(random.uniform(0, args.interval))
        while time.monotonic() < stop_at:
            seq += 1
            body = f"b:{index}:{seq}:{time.perf_counter_ns()}"
            try:
                await ws.send(json.dumps({"type": "message", "body": body}))
            except Exception as exc:
                stats.errors.append(f"send: {exc!r}"[:200])
                return
            stats.sent += 1
            await asyncio.sleep(args.interval * random.uniform(0.5, 1.5))

    await asyncio.gather(*(reader(i, ws) for i, ws in live), *(writer(i, ws) for i, ws in live))
    await asyncio.gather(*(ws.close() for _, ws in live), return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sockets", type=int, default=500, help="concurrent sockets (even)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of sending")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between messages")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--layer", choices=["pubsub", "core"], default="pubsub", help="channels-redis layer"
    )
    parser.add_argument("--ramp-batch", type=int, default=50, help="sockets opened at once")
    parser.add_argument(
        "--redis",
        default=os.environ.get("CHAT_BENCH_REDIS", "redis://127.0.0.1:6379/15"),
        help="Redis for the channel layer (loopback)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shopsocial"),
        help="server to use; the bench uses its own database <name>_chatbench on it",
    )
    parser.add_argument("--fresh-db", action="store_true", help="drop and recreate the bench DB")
    args = parser.parse_args()
    if urlsplit(args.redis).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("refusing a non-loopback Redis")
    chats = max(1, args.sockets // 2)

    db_url, admin_url, db_name = bench_database(args.database_url)
    ensure_database(admin_url, db_name, recreate=args.fresh_db)
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "SECURE_", "CHAT_")) and k != "DEBUG"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="shopsocial.settings.production",
        SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        FIELD_ENCRYPTION_KEYS="YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMtbG8=",
        OFFLINE_GATEWAY_WEBHOOK_SECRET="whsec_bench",
        PAYMENTS_OFFLINE_DEMO="true",
        SHOP_DOMAIN=DOMAIN,
        SHOP_PORT=f":{port}",
        DATABASE_URL=db_url,
        CHAT_REDIS_URL=args.redis,
        REDIS_URL=args.redis,  # production refuses to start without it (shopsocial.E030)
        CHAT_CHANNEL_LAYER=args.layer,
        CHAT_RATE_PER_ADDRESS_PER_MINUTE="0",
        STATIC_ROOT=tempfile.mkdtemp(prefix="shopsocial-chatbench-static-"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    print(f"preparing {db_name} (migrate, seed, {chats} chats)...", flush=True)
    manage(env, "migrate_schemas", "--noinput", "-v", "0")
    manage(env, "seed_demo")
    out = manage(env, "shell", "-c", OPEN_CHATS.format(count=chats))
    tokens = json.loads(out[out.index("TOKENS") + len("TOKENS") :].strip())

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "shopsocial.asgi:application",
            "--worker-class",
            "uvicorn_worker.UvicornWorker",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    stats = Stats()
    memory: dict[str, int] = {}
    cpu: dict[str, float] = {}
    try:
        deadline = time.monotonic() + 60
        while not healthy(port):
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("the ASGI server did not answer /healthz")
            time.sleep(0.3)
        for _ in range(args.workers * 4):  # warm every worker (imports, DB connection)
            healthy(port)
        time.sleep(1)
        memory["idle"] = workers_rss_kib(server.pid)

        async def on_warm(count: int) -> None:
            await asyncio.sleep(2)
            memory["before"] = workers_rss_kib(server.pid)
            memory["warm"] = count

        async def on_connected(count: int) -> None:
            await asyncio.sleep(2)
            memory["after"] = workers_rss_kib(server.pid)
            memory["connected"] = count
            cpu["start"] = workers_cpu_seconds(server.pid)
            print(f"{count} sockets connected; sending for {args.duration:.0f} s...", flush=True)

        started = time.monotonic()
        clients = run_clients(args, port, tokens, stats, on_warm, on_connected)
        try:  # the client's own event loop should not be the bottleneck it measures
            import uvloop

            uvloop.run(clients)
        except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
            asyncio.run(clients)
        elapsed = time.monotonic() - started
        memory["end"] = workers_rss_kib(server.pid)
        cpu["end"] = workers_cpu_seconds(server.pid)
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=15)
        if server.poll() is None:
            server.kill()
        manage(env, "shell", "-c", CLEAN_UP)

    lat = stats.latencies_ms
    connected = memory.get("connected", 0)
    added = connected - memory.get("warm", 0)
    per_conn = (memory["after"] - memory["before"]) / added if added > 0 else float("nan")
    lost = stats.sent - stats.received
    print()
    print(
        f"sockets       {connected} connected of {2 * chats} ({stats.connect_failures} failed), "
        f"{args.workers} uvicorn workers, Redis {args.layer} layer"
    )
    print(
        f"messages      {stats.sent} sent, {stats.received} delivered to the other party, "
        f"{lost} not delivered; {stats.sent / args.duration:.0f} msg/s"
    )
    print(
        f"latency (ms)  p50 {percentile(lat, 50):.1f}  p95 {percentile(lat, 95):.1f}  "
        f"p99 {percentile(lat, 99):.1f}  max {max(lat, default=float('nan')):.1f}  "
        f"mean {statistics.fmean(lat) if lat else float('nan'):.1f}"
    )
    print(
        f"memory        workers {memory['idle'] / 1024:.1f} MiB idle, "
        f"{memory['before'] / 1024:.1f} MiB with {memory.get('warm', 0)} warm-up sockets, "
        f"{memory['after'] / 1024:.1f} MiB with all, {memory['end'] / 1024:.1f} MiB at the end: "
        f"{per_conn:.1f} KiB per added connection"
    )
    used = cpu.get("end", 0) - cpu.get("start", 0)
    print(
        f"server CPU    {used:.1f} s over the sending phase: "
        f"{1000 * used / max(stats.sent, 1):.2f} ms per message (store + fan-out to 2 sockets)"
    )
    print(f"run           {elapsed:.0f} s including ramp-up; load average {os.getloadavg()[0]:.1f}")
    if stats.errors:
        print(f"errors        {len(stats.errors)}, first: {stats.errors[:3]}")
    goal = percentile(lat, 95) <= 100
    print(f"goal p95 <= 100 ms: {'met' if goal else 'NOT met'}")


if __name__ == "__main__":
    main()
