"""Celery application; tenant-aware through tenant-schemas-celery.

The schema a task was sent from travels in its headers, so a task queued while a
storefront request is served runs against that storefront's schema.
"""

import os

from celery.signals import import_modules, task_failure
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsocial.settings.dev")


# Connected before the app exists, so it runs before Celery's Django fix-up (which checks
# the models against the database when a worker or beat loads the task modules).
@import_modules.connect
def _embedded_database_start(**kwargs) -> None:
    """A worker or beat started with no DATABASE_URL uses the embedded PostgreSQL."""
    from django.conf import settings

    from shopsocial.embedded_db import embedded_server_ensure

    embedded_server_ensure(settings.DATABASES["default"])


app = CeleryApp("shopsocial")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# --- scale: failed tasks are counted for Prometheus (shopsocial/metrics.py)
@task_failure.connect
def _task_failure_count(sender=None, **kwargs) -> None:
    from shopsocial.metrics import task_failure_count

    task_failure_count(sender=sender)


# --- end scale


def task_always_eager() -> bool:
    """Whether queued tasks run at once, in the caller (no broker: development, tests)."""
    return bool(app.conf.task_always_eager)


def task_queue(name: str, *args) -> None:
    """Queue the task registered as `name` (eager when there is no broker).

    Tasks import the services they call; services queue tasks through this, by name,
    so that no services module imports a tasks module (no import cycle). Raises what
    the broker raises when it is unreachable: callers keep the work as a pending row.
    """
    _task(name).delay(*args)


def task_queue_later(name: str, *args, seconds: float) -> None:
    """`task_queue`, run `seconds` from now (at once when eager)."""
    _task(name).apply_async(args, countdown=seconds)


def _task(name: str):
    if name not in app.tasks:
        app.loader.import_default_modules()  # every installed app's tasks module
    return app.tasks[name]
