"""The tracking decision: no analytics when the person says no.

Not allowed when the browser sends `DNT: 1` or `Sec-GPC: 1`, or when the
first-party opt-out cookie (set by /privacy/analytics/) is present. With no
GA_MEASUREMENT_ID there is no analytics at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

OPT_OUT_COOKIE = "analytics_opt_out"
OPT_OUT_MAX_AGE = 60 * 60 * 24 * 365 * 2  # two years
# GA4 loads from googletagmanager.com and sends hits to (region-)google-analytics.com.
ANALYTICS_SCRIPT_ORIGIN = "https://www.googletagmanager.com"
ANALYTICS_CONNECT_ORIGINS = (
    "https://*.google-analytics.com",
    "https://*.analytics.google.com",
    "https://www.googletagmanager.com",
)


@dataclass(frozen=True)
class TrackingDecision:
    dnt: bool
    gpc: bool
    opted_out: bool

    @property
    def allowed(self) -> bool:
        return not (self.dnt or self.gpc or self.opted_out)

    @property
    def reason(self) -> str:
        if self.gpc:
            return "gpc"
        if self.dnt:
            return "dnt"
        if self.opted_out:
            return "opt_out"
        return ""


def tracking_decide(request: HttpRequest) -> TrackingDecision:
    # From META, not request.headers: that builds a dict of every header (every request
    # decides this; bench/README.md). Header names are case-insensitive in both.
    meta = request.META
    return TrackingDecision(
        dnt=meta.get("HTTP_DNT", "").strip() == "1",
        gpc=meta.get("HTTP_SEC_GPC", "").strip() == "1",
        opted_out=request.COOKIES.get(OPT_OUT_COOKIE) == "1",
    )


_MEASUREMENT_ID_RE = re.compile(r"^G-[A-Z0-9]{4,20}$")


def analytics_measurement_id() -> str:
    """The GA4 id, only if it looks like one (it is written into an inline script)."""
    value = getattr(settings, "GA_MEASUREMENT_ID", "") or ""
    return value if _MEASUREMENT_ID_RE.match(value) else ""


def analytics_enabled(request: HttpRequest) -> bool:
    """Render the analytics tag on this response?"""
    decision = getattr(request, "tracking", None) or tracking_decide(request)
    return bool(analytics_measurement_id()) and decision.allowed
