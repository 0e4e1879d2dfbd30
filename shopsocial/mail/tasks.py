from celery import shared_task

from .services import email_redispatch_pending, email_send


@shared_task(
    name="mail.email_send_task",
    bind=True,
    acks_late=True,
    max_retries=7,
    retry_backoff=True,
    time_limit=60,
    soft_time_limit=50,  # the global soft limit (240 s) must not exceed this task's hard one
)
def email_send_task(self, email_id: int) -> None:
    try:
        email_send(email_id=email_id)
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task(name="mail.email_redispatch_pending_task", time_limit=120, soft_time_limit=110)
def email_redispatch_pending_task() -> int:
    return email_redispatch_pending()
