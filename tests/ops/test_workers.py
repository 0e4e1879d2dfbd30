"""Two Celery workers on a real Redis broker: a worker SIGKILLed mid-task loses nothing.

Late acknowledgement (CELERY_TASK_ACKS_LATE, REJECT_ON_WORKER_LOST, prefetch 1): the
task a dead worker held stays unacknowledged in Redis and goes back to the queue after
the visibility timeout (short here: CELERY_VISIBILITY_TIMEOUT); the other worker runs
it. The outbox row (shopsocial/mail) is what dedupes: a row is sent once, however many
times its task is delivered. Queue depth and the outbox backlog are on /metrics.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from celery import Celery
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families

from ops.stack import Redis, Worker, app_env, temp_folder, wait_until
from shopsocial.mail.models import OutboundEmail
from shopsocial.metrics import metrics_text

from .harness import database_url_for_processes

COUNT = 12


def gauges() -> dict[str, float]:
    return {
        family.name: family.samples[0].value
        for family in text_string_to_metric_families(metrics_text().decode())
        if family.name in ("shopsocial_celery_queue_depth", "shopsocial_outbox_backlog")
    }


def traces(folder, prefix: str) -> list[tuple[str, str]]:
    return [(p.name, p.read_text()) for p in folder.glob(f"{prefix}*")]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_loses_nothing_and_sends_no_email_twice(monkeypatch):
    # Celery prefers the CELERY_BROKER_URL environment variable (CI sets it) over the
    # broker an app is given: the producer must publish to this test's Redis.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    folder = temp_folder("ss-ops-workers-")
    mail = folder / "mail"
    mail.mkdir()
    redis = Redis(folder).start()
    broker = f"{redis.url}/1"
    env = app_env(database_url=database_url_for_processes(), redis_url=f"{redis.url}/0")
    env.update(
        CELERY_BROKER_URL=broker,
        EMAIL_BACKEND="tests.ops.slow_mail.SlowFileBackend",
        SLOW_MAIL_DIR=str(mail),
        SLOW_MAIL_SECONDS="2.5",
        CELERY_VISIBILITY_TIMEOUT="6",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
    )
    emails = [
        OutboundEmail.objects.create(
            kind=OutboundEmail.Kind.TRANSACTIONAL,
            dedupe_key=f"ops-kill-{n}",
            to=f"kill{n}@example.com",
            template="retailer_password_changed",
            context={"full_name": f"Kill {n}"},
        )
        for n in range(COUNT)
    ]
    producer = Celery("ops-test", broker=broker)
    workers: list[Worker] = []
    try:
        for email in emails:
            producer.send_task("mail.email_send_task", args=[email.pk])
        with override_settings(CELERY_BROKER_URL=broker, CELERY_TASK_ALWAYS_EAGER=False):
            assert gauges() == {
                "shopsocial_celery_queue_depth": COUNT,
                "shopsocial_outbox_backlog": COUNT,
            }

        doomed = Worker(folder, env, name="doomed").start(wait=False)
        survivor = Worker(folder, env, name="survivor").start(wait=False)
        workers += [doomed, survivor]
        survivor.wait_ready()

        def doomed_mid_send() -> bool:
            mine = f"-{doomed.process.pid}-"
            begun = sum(mine in name for name, _ in traces(mail, "started-"))
            return begun > sum(mine in name for name, _ in traces(mail, "sent-"))

        # Kill the first worker while it is handing a message over (inside the task).
        wait_until(doomed_mid_send, timeout=60, what="the doomed worker mid-send")
        doomed.kill()
        sent_by_doomed = {
            to for name, to in traces(mail, "sent-") if f"-{doomed.process.pid}-" in name
        }
        (killed_to,) = {
            to for name, to in traces(mail, "started-") if f"-{doomed.process.pid}-" in name
        } - sent_by_doomed
        held = re.findall(
            r"Task mail\.email_send_task\[([0-9a-f-]+)\] received", doomed.process.log()
        )
        in_flight = held[-1]

        wait_until(
            lambda: not OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).exists(),
            timeout=90,
            what="every email sent",
        )
        survivor_log = survivor.process.log()
        # Redelivered: the task the dead worker held ran to the end on the other worker.
        assert f"mail.email_send_task[{in_flight}] succeeded" in survivor_log, survivor_log

        # Every delivery of every task again (what a redelivery storm looks like):
        # the outbox sends nothing twice.
        storm = [producer.send_task("mail.email_send_task", args=[e.pk]).id for e in emails]
        with override_settings(CELERY_BROKER_URL=broker, CELERY_TASK_ALWAYS_EAGER=False):
            wait_until(
                lambda: gauges().get("shopsocial_celery_queue_depth") == 0,
                timeout=60,
                what="queue drained",
            )

            def storm_finished() -> bool:
                log = survivor.process.log()
                return all(f"mail.email_send_task[{task}] succeeded" in log for task in storm)

            # The last task taken finishes too (its row is already sent): every delivery
            # has run to its end on the survivor.
            wait_until(storm_finished, timeout=60, what="every redelivered task finished")
            assert gauges() == {
                "shopsocial_celery_queue_depth": 0,
                "shopsocial_outbox_backlog": 0,
            }
    finally:
        for worker in workers:
            worker.stop()
        redis.stop()

    sent = Counter(to for _, to in traces(mail, "sent-"))
    started = Counter(to for _, to in traces(mail, "started-"))
    assert sent == Counter({email.to: 1 for email in emails}), sent
    assert started[killed_to] == 2, (killed_to, started)  # begun by the dead worker, then the other
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
