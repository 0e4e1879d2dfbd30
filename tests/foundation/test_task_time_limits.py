"""Every task can be queued: Celery refuses `delay()` when a task's soft time limit (its
own, else the global CELERY_TASK_SOFT_TIME_LIMIT) exceeds its hard one."""

from __future__ import annotations

import pytest
from django.conf import settings

from shopsocial.celery import app


@pytest.mark.django_db
def test_no_task_has_a_soft_time_limit_above_its_hard_one():
    app.loader.import_default_modules()
    wrong = []
    for name, task in sorted(app.tasks.items()):
        if name.startswith("celery."):
            continue
        hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
        if soft > hard:
            wrong.append((name, soft, hard))
    assert wrong == []
