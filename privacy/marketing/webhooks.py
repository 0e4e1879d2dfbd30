"""anymail's tracking webhook -> the suppression list.

anymail's own view (`/webhooks/anymail/<esp>/tracking/`, basic auth by
ANYMAIL["WEBHOOK_SECRET"]) verifies and normalises the ESP's post and sends the
`tracking` signal: that signal is anymail's integration point, so this receiver is
the one place we accept a signal. It parses and calls one service.
"""

from __future__ import annotations

import hashlib
import json

from anymail.signals import tracking
from django.dispatch import receiver

from .services import tracking_event_process

HANDLED = {"bounced", "complained", "unsubscribed"}


def is_permanent_bounce(esp_name: str, esp_event) -> bool:
    """Only a permanent bounce suppresses; several ESPs report soft bounces as `bounced` too."""
    raw = esp_event if isinstance(esp_event, dict) else {}
    esp = esp_name.lower()
    if esp == "postmark":
        return raw.get("Type") == "HardBounce"
    if esp == "mailgun":
        return raw.get("severity") == "permanent"
    if esp == "amazon ses":
        return (raw.get("bounce") or {}).get("bounceType") == "Permanent"
    return False


def _event_id(event) -> str:
    if event.event_id:
        return str(event.event_id)
    raw = json.dumps(event.esp_event, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()


@receiver(tracking, dispatch_uid="marketing.tracking_to_suppression")
def tracking_received(sender, event, esp_name, **kwargs) -> None:
    if event.event_type not in HANDLED:
        return
    tracking_event_process(
        esp=esp_name,
        event_id=_event_id(event),
        event_type=event.event_type,
        recipient=event.recipient,
        permanent=is_permanent_bounce(esp_name, event.esp_event),
    )
