"""ESP tracking events (bounces, complaints) into the suppression list, each processed once."""

from __future__ import annotations

from django.db import transaction

from ..models import Suppression, TrackingEvent
from .subscriptions import suppression_add

BOUNCED = "bounced"
COMPLAINED = "complained"
UNSUBSCRIBED = "unsubscribed"


@transaction.atomic
def tracking_event_process(
    *, esp: str, event_id: str, event_type: str, recipient: str | None, permanent: bool
) -> TrackingEvent | None:
    """Record the event; suppress on a permanent bounce, a complaint or an ESP unsubscribe.

    Returns None when the event was already processed (ESPs deliver more than once).
    """
    event, created = TrackingEvent.objects.get_or_create(
        esp=esp[:30], event_id=event_id[:255], defaults={"event_type": event_type[:30]}
    )
    if not created:
        return None
    reason = None
    if event_type == COMPLAINED:
        reason = Suppression.Reason.COMPLAINT
    elif event_type == BOUNCED and permanent:
        reason = Suppression.Reason.HARD_BOUNCE
    elif event_type == UNSUBSCRIBED:
        reason = Suppression.Reason.UNSUBSCRIBED
    if reason and recipient:
        suppression_add(email=recipient, reason=reason, source=esp.lower())
        event.suppressed = True
        event.save(update_fields=["suppressed"])
    return event
