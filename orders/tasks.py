"""Periodic order work. Tasks are thin, take no PII, and are safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .gateways.offline import offline_sessions_expire
from .services.holds import stock_holds_release_all

# Stripe's shortest session lifetime is 30 minutes; the offline gateway mirrors an hour.
OFFLINE_SESSION_LIFETIME_SECONDS = 60 * 60


@shared_task(name="orders.offline_sessions_expire_task", time_limit=120, soft_time_limit=110)
def offline_sessions_expire_task() -> int:
    """Unpaid offline sessions expire, so their orders are canceled and stock released."""
    return offline_sessions_expire(older_than_seconds=OFFLINE_SESSION_LIFETIME_SECONDS)


@shared_task(name="orders.stock_holds_release_task", time_limit=120, soft_time_limit=110)
def stock_holds_release_task() -> int:
    """Every expired stock hold is released (pages also release a few when they read
    stock, and queue this task when there are more)."""
    return stock_holds_release_all()
