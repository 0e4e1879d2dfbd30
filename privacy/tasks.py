"""Privacy background work: thin, id-based, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .services.breach import (
    breach_deadline_alerts_send,
    breach_notifications_resume,
    breach_notifications_send_batch,
)

MAX_BATCH_RETRIES = 6


@shared_task(
    name="privacy.breach_notifications_send_batch_task",
    bind=True,
    acks_late=True,
    max_retries=MAX_BATCH_RETRIES,
    time_limit=600,
    soft_time_limit=540,
)
def breach_notifications_send_batch_task(self, notification_ids: list[int]) -> int:
    """Send one batch; retry only the ones that failed, with exponential backoff."""
    failed = breach_notifications_send_batch(notification_ids=notification_ids)
    if failed and self.request.retries < MAX_BATCH_RETRIES:
        raise self.retry(args=[failed], countdown=min(2**self.request.retries * 30, 3600))
    return len(notification_ids) - len(failed)


@shared_task(name="privacy.breach_notifications_resume_task", time_limit=300)
def breach_notifications_resume_task() -> int:
    return breach_notifications_resume()


@shared_task(name="privacy.breach_deadline_alerts_task", time_limit=300)
def breach_deadline_alerts_task() -> int:
    return breach_deadline_alerts_send()
