"""Periodic chat work (celery beat)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from celery import shared_task
from channels.layers import get_channel_layer

from . import services


@shared_task(name="chat.chat_claims_expire_task", time_limit=60, soft_time_limit=50)
def chat_claims_expire_task() -> int:
    """Put unanswered claims back in the queue and tell the consoles and the people."""
    ids = services.chat_claims_expire()
    layer = get_channel_layer()
    if ids and layer is not None:
        from .consumers import QUEUE_GROUP

        async_to_sync(layer.group_send)(QUEUE_GROUP, {"type": "queue.changed"})
    return len(ids)
