"""Party guest list reads: what the retailer and the host see (counts, first names)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Scene, SceneGuest


@dataclass
class RsvpSummary:
    invited: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # yes / maybe / no / none
    first_names: dict[str, list[str]] = field(default_factory=dict)


def scene_rsvp_summary(*, scene: Scene) -> RsvpSummary:
    summary = RsvpSummary(
        counts={"yes": 0, "maybe": 0, "no": 0, "none": 0},
        first_names={"yes": [], "maybe": [], "no": [], "none": []},
    )
    for name, rsvp in SceneGuest.objects.filter(scene=scene).values_list("name", "rsvp"):
        key = rsvp or "none"
        summary.invited += 1
        summary.counts[key] += 1
        summary.first_names[key].append((name.split() or [""])[0])
    return summary
