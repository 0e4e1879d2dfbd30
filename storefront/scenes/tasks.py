from celery import shared_task

from .closing import scene_summaries_send_recent
from .services import scenes_close_due


@shared_task(name="scenes.scenes_close_due_task", time_limit=600)
def scenes_close_due_task() -> int:
    closed = scenes_close_due()
    scene_summaries_send_recent()  # the closing summary (issue 27), once per scene
    return closed
