"""Campaign send benchmark: N confirmed subscribers (1 % suppressed), 2 Celery workers.

    uv run python bench/campaign.py                 # 100,000 subscribers
    uv run python bench/campaign.py --count 20000   # a smaller run on a shared machine

Uses its own database (BENCH_DATABASE_URL, default .../ss_marketing_bench, created if
missing), Redis DB 5 as broker (BENCH_BROKER_URL), production settings and anymail's
test backend, wrapped so that each worker records what it was handed to send (one
line per message) and keeps no outbox in memory. Prints messages/s end to end (from
`campaign_start` to the campaign being marked sent), the workers' peak and sampled
memory, the number sent, and how many went to a suppressed address (must be 0), and
checks that each message carried the one-click headers and the unsubscribe link.
Everything is local (loopback) and bounded in time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ss_marketing_bench"
)
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/5")
LOG_DIR_VAR = "BENCH_CAMPAIGN_LOG_DIR"

# Settings for this script and its workers (the workers import this module for the
# mail backend below, so these lines run there too).
for key, value in {
    "DJANGO_SETTINGS_MODULE": "shopsocial.settings.production",
    "SECRET_KEY": "bench-only-secret-key",
    "FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc=",
    "DATABASE_URL": BENCH_DB,
    "CELERY_BROKER_URL": BROKER,
    # Production refuses to start without Redis and a gateway (shopsocial/guards.py).
    "REDIS_URL": BROKER,
    "PAYMENTS_OFFLINE_DEMO": "true",
    "OFFLINE_GATEWAY_WEBHOOK_SECRET": "whsec_bench",
    "EMAIL_BACKEND": "bench.campaign.RecordingTestBackend",
    "SHOP_DOMAIN": "shop.test",
    "LOG_LEVEL": "WARNING",
}.items():
    os.environ[key] = value
sys.path.insert(0, str(ROOT))

from anymail.backends.test import EmailBackend as AnymailTestBackend  # noqa: E402
from django.core import mail  # noqa: E402

_log_file = None


class RecordingTestBackend(AnymailTestBackend):
    """anymail's test backend; records each recipient and drops the in-memory outbox."""

    def send_messages(self, email_messages):
        global _log_file
        sent = super().send_messages(email_messages)
        mail.outbox.clear()
        if _log_file is None:
            folder = Path(os.environ[LOG_DIR_VAR])
            _log_file = (folder / f"{os.getpid()}.log").open("a", buffering=1 << 16)
        for message in email_messages:
            headers = message.extra_headers
            url = headers.get("List-Unsubscribe", "")[1:-1]
            html = message.alternatives[0][0] if message.alternatives else ""
            ok = (
                headers.get("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
                and "/unsubscribe/" in url
                and url in message.body
                and url in html
                and "Advertisement" in message.body
                and "Advertisement" in html
            )
            _log_file.write(f"{message.to[0]}\t{int(ok)}\n")
        _log_file.flush()
        return sent


def _database_ensure() -> None:
    import psycopg

    name = BENCH_DB.rsplit("/", 1)[1]
    admin_url = BENCH_DB.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(count: int) -> tuple[int, set[str]]:
    """Migrate, ensure tenants, seed `count` confirmed subscribers, 1 % suppressed."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from privacy.marketing.models import Campaign
    from retailers.models import Retailer
    from retailers.services import company_tenant_ensure, retailer_provision

    call_command("migrate_schemas", "--shared", verbosity=0)
    company = company_tenant_ensure()
    retailers = [company]
    for slug, name in (("benchone", "Bench One"), ("benchtwo", "Bench Two")):
        existing = Retailer.objects.filter(slug=slug).first()
        retailers.append(existing or retailer_provision(slug=slug, display_name=name))
    ids = [r.pk for r in retailers]
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE marketing_campaignrecipient, marketing_campaign_retailers,"
            " marketing_campaign, marketing_consentrecord, marketing_subscription,"
            " marketing_subscriber, marketing_suppression RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "INSERT INTO marketing_subscriber (email, status, created_at, confirmed_at)"
            " SELECT 'sub' || g || '@bench.example', 'confirmed', now(), now()"
            " FROM generate_series(1, %s) g",
            [count],
        )
        cursor.execute(
            "INSERT INTO marketing_subscription (subscriber_id, retailer_id, created_at,"
            " confirmed_at) SELECT id, (%s::bigint[])[1 + id %% 3], now(), now()"
            " FROM marketing_subscriber",
            [ids],
        )
        cursor.execute(
            "INSERT INTO marketing_suppression (email, reason, source, created_at)"
            " SELECT email, 'hard_bounce', 'bench', now() FROM marketing_subscriber"
            " WHERE id %% 100 = 0",
            [],
        )
        cursor.execute("SELECT email FROM marketing_suppression")
        suppressed = {row[0] for row in cursor.fetchall()}
        cursor.execute("ANALYZE")
    campaign = Campaign.objects.create(
        name="Bench",
        subject="Bench campaign",
        body_html="<h1>Hello</h1><p>News from {{ retailer_name }}.</p>",
        body_text="Hello\n\nNews from {{ retailer_name }}.",
    )
    return campaign.pk, suppressed


def _rss_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="confirmed subscribers")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=900, help="seconds before giving up")
    args = parser.parse_args()

    _database_ensure()
    campaign_id, suppressed = _setup(args.count)
    log_dir = Path(tempfile.mkdtemp(prefix="ss-bench-campaign-"))
    env = {**os.environ, LOG_DIR_VAR: str(log_dir)}

    from shopsocial.celery import app

    app.control.purge()
    workers = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "shopsocial",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"bench{n}@%h",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(log_dir / f"worker{n}.err").open("w"),
        )
        for n in range(args.workers)
    ]
    samples: dict[int, list[int]] = {w.pid: [] for w in workers}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for w in workers:
                samples[w.pid].append(_rss_kb(w.pid, "VmRSS"))
            stop.wait(0.5)

    try:
        deadline = time.monotonic() + 60
        while len(app.control.ping(timeout=1.0) or []) < args.workers:
            if time.monotonic() > deadline:
                print("workers did not start; see", log_dir)
                return 2
        from privacy.marketing.models import Campaign
        from privacy.marketing.selectors import campaign_progress
        from privacy.marketing.services import campaign_start

        threading.Thread(target=sample, daemon=True).start()
        started = time.monotonic()
        campaign_start(campaign_id=campaign_id)
        deadline = started + args.timeout
        while Campaign.objects.get(pk=campaign_id).status != Campaign.Status.SENT:
            if time.monotonic() > deadline:
                print("timed out:", campaign_progress(campaign_id=campaign_id))
                return 3
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        peaks = {w.pid: _rss_kb(w.pid, "VmHWM") for w in workers}
    finally:
        stop.set()
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=20)
            except subprocess.TimeoutExpired:
                w.kill()

    lines = []
    for path in log_dir.glob("*.log"):
        lines += path.read_text().splitlines()
    sent_to = [line.split("\t")[0] for line in lines]
    compliant = sum(line.endswith("\t1") for line in lines)
    progress = campaign_progress(campaign_id=campaign_id)
    expected = args.count - len(suppressed)
    to_suppressed = sum(1 for e in sent_to if e in suppressed)
    duplicates = len(sent_to) - len(set(sent_to))
    rate = len(sent_to) / elapsed

    print(f"subscribers: {args.count:,}  suppressed: {len(suppressed):,}  workers: {args.workers}")
    print(f"elapsed (start -> campaign sent): {elapsed:.1f} s")
    print(f"messages per second, end to end: {rate:,.0f}  (goal >= 300)")
    print(f"sent: {len(sent_to):,}  expected: {expected:,}  duplicates: {duplicates}")
    print(f"sent to a suppressed address: {to_suppressed}")
    print(f"messages with label, link and both one-click headers: {compliant:,}")
    print(f"campaign progress: {progress}")
    for n, w in enumerate(workers):
        rss = [s for s in samples[w.pid] if s]
        mid = rss[len(rss) // 2] if rss else 0
        print(
            f"worker {n}: peak RSS {peaks[w.pid] / 1024:.1f} MiB; sampled RSS first/middle/last "
            f"{(rss[0] if rss else 0) / 1024:.1f} / {mid / 1024:.1f} / "
            f"{(rss[-1] if rss else 0) / 1024:.1f} MiB"
        )
    ok = (
        len(sent_to) == expected
        and to_suppressed == 0
        and duplicates == 0
        and compliant == len(sent_to)
        and progress.suppressed == len(suppressed)
    )
    print("RESULT:", "PASS" if ok and rate >= 300 else ("PASS (below rate goal)" if ok else "FAIL"))
    shutil.rmtree(log_dir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
