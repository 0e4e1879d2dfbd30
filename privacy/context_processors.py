"""Template context for every page: analytics decision, policy notice, breach notices.

The notices are callables, so a page that never renders them runs no query.
"""

from __future__ import annotations

from django.http import HttpRequest

from . import selectors
from .tracking import analytics_measurement_id, tracking_decide


def privacy(request: HttpRequest) -> dict:
    decision = getattr(request, "tracking", None) or tracking_decide(request)
    measurement_id = analytics_measurement_id()
    user = getattr(request, "user", None)

    def breach_notices():
        if user is None or not user.is_authenticated:
            return []
        return selectors.breach_notices_for_user_cached(user=user)

    return {
        "privacy_analytics": {
            "measurement_id": measurement_id,
            "allowed": bool(measurement_id) and decision.allowed,
            "reason": decision.reason,
        },
        "privacy_policy_notice": selectors.policy_change_notice,
        "privacy_breach_notices": breach_notices,
    }
