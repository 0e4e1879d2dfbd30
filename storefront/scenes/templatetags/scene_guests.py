"""{% scene_rsvp scene as rsvp %}: the guest list's counts and first names (host page)."""

from __future__ import annotations

from django import template

from ..closing import ClosingSummary, scene_closing_summary
from ..guest_selectors import RsvpSummary, scene_rsvp_summary

register = template.Library()


@register.simple_tag
def scene_rsvp(scene) -> RsvpSummary:
    return scene_rsvp_summary(scene=scene)


@register.simple_tag
def scene_summary(scene) -> ClosingSummary:
    return scene_closing_summary(scene=scene)


@register.simple_tag
def scene_half_price(scene) -> int:
    """Half-price items the host may still pick (0 before closing or once redeemed)."""
    from ..guest_orders import host_half_price_allowance

    return host_half_price_allowance(scene=scene)
