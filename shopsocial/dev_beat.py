"""Celery beat's schedule, run inside `serve` (development), so dev behaves like production.

Each entry of CELERY_BEAT_SCHEDULE (intervals in seconds) runs in a daemon thread:
inline when Celery is eager (no broker), else sent to the broker for a worker. In
production the `beat` service of docker-compose does this; never both.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def _run(task_name: str) -> None:
    from shopsocial.celery import task_queue

    close_old_connections()
    try:
        task_queue(task_name)  # inline when eager, else to the broker; imports the task
    except Exception:
        logger.exception("dev beat: %s failed", task_name)
    finally:
        close_old_connections()


def dev_beat_start(*, first_delay: float = 5.0) -> threading.Thread:
    """Start the schedule in a daemon thread; returns the thread."""
    entries = {
        name: (entry["task"], float(entry["schedule"]))
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if isinstance(entry.get("schedule"), int | float)
    }

    def loop() -> None:
        due = {name: time.monotonic() + first_delay for name in entries}
        while True:
            now = time.monotonic()
            for name, (task_name, every) in entries.items():
                if now >= due[name]:
                    due[name] = now + every
                    _run(task_name)
            time.sleep(1.0)

    thread = threading.Thread(target=loop, name="dev-beat", daemon=True)
    thread.start()
    logger.info("dev beat: %d periodic tasks scheduled", len(entries))
    return thread
