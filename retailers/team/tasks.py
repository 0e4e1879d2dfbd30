"""Team jobs: thin, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from .close import month_add, team_month_close


@shared_task(name="team.team_close_previous_month_task", time_limit=3600)
def team_close_previous_month_task() -> str:
    """Close last month for teams once it has ended (a rerun returns the same close)."""
    month = month_add(timezone.localdate().replace(day=1), -1)
    return str(team_month_close(month=month))
