from celery import shared_task

from .services import scenes_close_due


@shared_task(name="scenes.scenes_close_due_task", time_limit=600)
def scenes_close_due_task() -> int:
    return scenes_close_due()
