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
