"""Reads of the email outbox."""

from __future__ import annotations

from django.db.models import Count, Min
from django.utils import timezone

from .models import OutboundEmail


def outbox_backlog_gauges() -> dict[str, tuple[str, float]]:
    """The outbox's backlog for the metrics scrape: rows waiting and the oldest one's age."""
    outbox = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).aggregate(
        n=Count("pk"), oldest=Min("created_at")
    )
    oldest = outbox["oldest"]
    return {
        "shopsocial_outbox_backlog": ("Emails waiting to be sent", outbox["n"]),
        "shopsocial_outbox_oldest_seconds": (
            "Age of the oldest email waiting to be sent",
            (timezone.now() - oldest).total_seconds() if oldest else 0.0,
        ),
    }
