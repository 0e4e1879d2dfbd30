"""Breach-notification benchmark: an incident affecting N people (default 100,000).

Measures
  1. Notify: one BreachNotification row per address from an uploaded list, in one
     transaction (bulk_create, ignore_conflicts on the unique constraint);
  2. Send: 2 worker processes call the real send service
     (`breach_notifications_send_batch`: outbox row per notice, rendered, handed to
     the email backend) in batches of 500 until nothing is pending;
and reports rows/s, emails/s and each process's peak RSS (with RSS samples along
the way, to show memory stays flat). Emails go to Django's dummy backend (it
discards them), so the figures are our cost, not an ESP's.

Runs against DATABASE_URL (its public schema must be migrated), creates its own
incident and deletes everything it created at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ss_privacy \
        uv run python bench/breach.py --count 100000
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MEDIA = Path(tempfile.mkdtemp(prefix="breach-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsocial.settings.dev")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
os.environ["MEDIA_ROOT"] = str(MEDIA / "public")
# Breach lists live in the private store (outside MEDIA_ROOT).
os.environ["PRIVATE_MEDIA_ROOT"] = str(MEDIA / "private")
os.environ["LOG_LEVEL"] = "WARNING"
os.environ["DEBUG"] = "false"  # no query log: it would grow without bound

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from privacy.models import BreachIncident, BreachNotification  # noqa: E402
from privacy.services import breach as breach_services  # noqa: E402
from shopsocial.mail.models import OutboundEmail  # noqa: E402

BATCH = breach_services.SEND_BATCH


def rss_mb() -> float:
    """Current resident set size (Linux /proc)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_list(path: Path, count: int) -> None:
    with path.open("w") as f:
        f.write("email\n")
        for n in range(count):
            f.write(f"person{n:07d}@bench.example\n")
        # Duplicates in other spellings: deduplicated by the unique constraint.
        for n in range(0, count, 100):
            f.write(f"PERSON{n:07d}@Bench.Example\n")


def worker(incident_id: int, worker_no: int, workers: int, queue) -> None:
    connection.close()  # a fresh connection per process
    pending = Q(email_message__isnull=True) | Q(email_message__status=OutboundEmail.Status.PENDING)
    last_id = 0
    sent_batches = 0
    samples = []
    started = time.perf_counter()
    while True:
        ids = list(
            BreachNotification.objects.filter(incident_id=incident_id, pk__gt=last_id)
            .filter(pending)
            .extra(where=["privacy_breachnotification.id %% %s = %s"], params=[workers, worker_no])
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            break
        last_id = ids[-1]
        breach_services.breach_notifications_send_batch(notification_ids=ids)
        sent_batches += 1
        if sent_batches % 5 == 1:
            samples.append(round(rss_mb(), 1))
    queue.put(
        {
            "worker": worker_no,
            "batches": sent_batches,
            "seconds": time.perf_counter() - started,
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "rss_samples_mb": samples,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the rows afterwards")
    parser.add_argument(
        "--notify-only", action="store_true", help="measure creating the rows, skip sending"
    )
    args = parser.parse_args()

    list_path = MEDIA / "private" / "breach-lists" / "bench.csv"
    list_path.parent.mkdir(parents=True)
    write_list(list_path, args.count)

    incident = BreachIncident.objects.create(
        title=f"Benchmark incident ({args.count} people)",
        discovered_at=timezone.now(),
        description="Benchmark.",
        data_involved="Email addresses.",
        scope=BreachIncident.Scope.EMAIL_LIST,
        email_list="breach-lists/bench.csv",
    )
    # Measure the two phases separately: no dispatch to Celery after Notify.
    breach_services.breach_notifications_dispatch = lambda **kwargs: 0
    rss_before = rss_mb()
    t0 = time.perf_counter()
    created = breach_services.breach_incident_notify(incident=incident)
    notify_s = time.perf_counter() - t0
    rss_after_notify = rss_mb()
    assert created == args.count, (created, args.count)

    print(
        f"people (unique addresses): {args.count}  (list lines: {args.count + args.count // 100})"
    )
    print(f"notify: {created} rows in {notify_s:.2f} s = {created / notify_s:,.0f} rows/s")
    if args.notify_only:
        print(
            f"main process RSS: {rss_before:.1f} MB before notify, {rss_after_notify:.1f} MB after"
        )
        cleanup(incident, keep=args.keep)
        return
    connection.close()
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    t1 = time.perf_counter()
    procs = [
        ctx.Process(target=worker, args=(incident.pk, n, args.workers, queue))
        for n in range(args.workers)
    ]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    send_s = time.perf_counter() - t1

    sent = BreachNotification.objects.filter(
        incident=incident, email_message__status=OutboundEmail.Status.SENT
    ).count()
    outbox_rows = OutboundEmail.objects.filter(
        dedupe_key__startswith="breach-notice:",
        pk__in=incident.notifications.values("email_message"),
    ).count()
    print(
        f"people (unique addresses): {args.count}  (list lines: {args.count + args.count // 100})"
    )
    print(f"notify: {created} rows in {notify_s:.2f} s = {created / notify_s:,.0f} rows/s")
    print(
        f"send:   {sent} emails handed to the backend in {send_s:.2f} s with {args.workers} "
        f"workers = {sent / send_s:,.0f} emails/s"
    )
    print(f"outbox rows: {outbox_rows} (one per notice: {outbox_rows == sent == args.count})")
    print(
        f"main process RSS: {rss_before:.1f} MB before notify, {rss_after_notify:.1f} MB after, "
        f"peak {peak_rss_mb():.1f} MB"
    )
    for r in sorted(results, key=lambda r: r["worker"]):
        print(
            f"worker {r['worker']}: {r['batches']} batches in {r['seconds']:.1f} s, "
            f"peak RSS {r['peak_rss_mb']} MB, RSS samples {r['rss_samples_mb']}"
        )

    cleanup(incident, keep=args.keep)


def cleanup(incident: BreachIncident, *, keep: bool) -> None:
    if not keep:
        email_ids = [
            pk
            for pk in incident.notifications.values_list("email_message_id", flat=True)
            if pk is not None
        ]
        incident.notifications.all().delete()
        for start in range(0, len(email_ids), 10_000):
            OutboundEmail.objects.filter(pk__in=email_ids[start : start + 10_000]).delete()
        incident.delete()
    for path in sorted(MEDIA.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    MEDIA.rmdir()


if __name__ == "__main__":
    main()
