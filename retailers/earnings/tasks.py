"""Earnings jobs: thin, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from .close import earnings_month_close, month_previous
from .services import commissions_accrue_missing, commissions_release_due


@shared_task(name="earnings.commissions_release_due_task", time_limit=600)
def commissions_release_due_task() -> int:
    return commissions_release_due()


@shared_task(name="earnings.commissions_accrue_missing_task", time_limit=1800)
def commissions_accrue_missing_task() -> int:
    return commissions_accrue_missing()


@shared_task(name="earnings.month_close_previous_task", time_limit=3600)
def month_close_previous_task() -> str:
    """Close last month once it has ended (the team close included; a rerun changes nothing)."""
    month = month_previous(timezone.localdate())
    return "; ".join(str(r) for r in earnings_month_close(month=month))
