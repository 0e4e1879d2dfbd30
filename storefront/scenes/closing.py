"""Closing a party: the summary for the retailer and the host, on screen and by email.

Reward settlement (`services.scene_close`) is not touched here: the summary reads what
closing wrote and is sent after it, by the close page and by the beat task, once per
scene and recipient (the email rows' dedupe keys make it safe to call again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue

from . import selectors
from .guest_selectors import scene_rsvp_summary
from .models import Scene, SceneReward


@dataclass(frozen=True)
class ClosingSummary:
    sales: Decimal
    orders: int
    guests_who_ordered: int
    first_names: list[str]  # only guests who agreed to show it
    invited: int
    said_yes: int
    reward_amount: Decimal
    reward_percent: Decimal
    reward_code: str


def scene_closing_summary(*, scene: Scene) -> ClosingSummary:
    totals = selectors.scene_totals(scene=scene)
    guests = selectors.scene_guests(scene=scene, with_orders=False)
    rsvp = scene_rsvp_summary(scene=scene)
    reward = SceneReward.objects.filter(scene=scene).first()
    return ClosingSummary(
        sales=totals.sales,
        orders=totals.orders,
        guests_who_ordered=len(guests),
        first_names=[g.first_name for g in guests if g.first_name],
        invited=rsvp.invited,
        said_yes=rsvp.counts["yes"],
        reward_amount=reward.amount if reward else Decimal("0.00"),
        reward_percent=reward.credit_percent if reward else Decimal("0"),
        reward_code=reward.code if reward else "",
    )


def scene_summary_send(*, scene: Scene) -> list[OutboundEmail]:
    """Email the closed party's summary to the retailer and the host (once each)."""
    scene = Scene.objects.select_related("retailer").get(pk=scene.pk)  # as closing left it
    if scene.is_open:
        return []
    summary = scene_closing_summary(scene=scene)
    context = {
        "title": scene.title,
        "date": scene.date.isoformat(),
        "retailer_name": scene.retailer.display_name,
        "host_name": scene.host_name,
        "sales": f"{summary.sales:.2f}",
        "orders": summary.orders,
        "guests_who_ordered": summary.guests_who_ordered,
        "first_names": ", ".join(summary.first_names),
        "invited": summary.invited,
        "said_yes": summary.said_yes,
        "reward_amount": f"{summary.reward_amount:.2f}",
        "reward_percent": f"{summary.reward_percent.normalize():f}",
        "privacy_url": scene.retailer.storefront_url("/privacy/"),
    }
    recipients = [("host", scene.host_email, scene.host_name)]
    if scene.retailer.email:
        recipients.append(("retailer", scene.retailer.email, scene.retailer.display_name))
    return [
        email_enqueue(
            kind=OutboundEmail.Kind.TRANSACTIONAL,
            to=address,
            template="scene_closing_summary",
            context={**context, "recipient_name": name, "for_host": role == "host"},
            dedupe_key=f"scene:{scene.pk}:summary:{role}",
        )
        for role, address, name in recipients
    ]


def scene_summaries_send_recent(*, days: int = 7) -> int:
    """Beat: summaries for parties closed lately (by the task or by hand); idempotent."""
    since = timezone.now() - timedelta(days=days)
    sent = 0
    for scene in Scene.objects.filter(status=Scene.Status.CLOSED, closed_at__gte=since):
        sent += len(scene_summary_send(scene=scene))
    return sent
