from celery import shared_task

from shopsocial.invalidation import invalidation_repeat


@shared_task(name="storefront.invalidation_repeat_task", time_limit=60, soft_time_limit=50)
def invalidation_repeat_task(deleted: list[str], purged: list[str]) -> None:
    """A write's deletion and purge once more, a few seconds after its commit
    (shopsocial.invalidation.invalidate)."""
    invalidation_repeat(deleted, purged)
