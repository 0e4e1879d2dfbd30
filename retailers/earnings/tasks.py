"""Earnings jobs: thin, safe to run twice."""

from celery import shared_task

from .services import commissions_accrue_missing, commissions_release_due


@shared_task(name="earnings.commissions_release_due_task", time_limit=600)
def commissions_release_due_task() -> int:
    return commissions_release_due()


@shared_task(name="earnings.commissions_accrue_missing_task", time_limit=1800)
def commissions_accrue_missing_task() -> int:
    return commissions_accrue_missing()
