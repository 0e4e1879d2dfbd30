"""Autoship tasks: thin, take ids or nothing, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services import autoship_activate, autoship_run


@shared_task(name="autoship.autoship_activate_task", soft_time_limit=100, time_limit=120)
def autoship_activate_task(order_id: int) -> int:
    return len(autoship_activate(order_id=order_id))


@shared_task(name="autoship.autoship_run_task", soft_time_limit=1700, time_limit=1800)
def autoship_run_task(today: str = "") -> dict[str, int]:
    """The beat schedule calls this hourly; a date already run places nothing."""
    day = timezone.datetime.fromisoformat(today).date() if today else timezone.localdate()
    return autoship_run(today=day)
