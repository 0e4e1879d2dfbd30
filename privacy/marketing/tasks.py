"""Celery tasks: thin, take ids, safe to run twice, time-limited."""

from celery import shared_task

from . import services


@shared_task(
    name="marketing.campaign_send_chunk_task",
    bind=True,
    acks_late=True,
    max_retries=5,
    retry_backoff=True,
    time_limit=300,
    soft_time_limit=240,
)
def campaign_send_chunk_task(self, campaign_id: int, first_id: int, last_id: int) -> int:
    try:
        return services.campaign_send_chunk(
            campaign_id=campaign_id, first_id=first_id, last_id=last_id
        )
    except services.TransientSendError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(name="marketing.campaigns_start_due_task", time_limit=120, soft_time_limit=100)
def campaigns_start_due_task() -> list[int]:
    return services.campaigns_start_due()


@shared_task(name="marketing.campaign_watchdog_task", time_limit=120, soft_time_limit=100)
def campaign_watchdog_task() -> int:
    return services.campaign_watchdog()


@shared_task(
    name="marketing.subscribers_purge_unconfirmed_task", time_limit=300, soft_time_limit=240
)
def subscribers_purge_unconfirmed_task() -> int:
    return services.subscribers_purge_unconfirmed()


@shared_task(name="marketing.checkout_reminders_send_due_task", time_limit=300, soft_time_limit=240)
def checkout_reminders_send_due_task() -> int:
    """The abandoned-checkout reminders whose delay has passed (issue 28)."""
    return services.checkout_reminders_send_due()
