"""Carriers' public tracking pages (the shipping email and the order-status page link them)."""

from __future__ import annotations

import re
from urllib.parse import quote

# name as staff type it (case and punctuation ignored) -> tracking page
_TRACKING_PAGES = {
    "ups": "https://www.ups.com/track?tracknum={number}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "dhl": "https://www.dhl.com/us-en/home/tracking.html?tracking-id={number}",
}
_ALIASES = {
    "unitedparcelservice": "ups",
    "unitedstatespostalservice": "usps",
    "postalservice": "usps",
    "federalexpress": "fedex",
    "dhlexpress": "dhl",
}


# key -> the carrier's own spelling of its name (shown to shoppers: "UPS", not "ups")
_DISPLAY_NAMES = {"ups": "UPS", "usps": "USPS", "fedex": "FedEx", "dhl": "DHL"}


def carrier_display_name(carrier: str) -> str:
    """How a carrier is named to shoppers; a carrier we do not know, as staff typed it."""
    return _DISPLAY_NAMES.get(carrier_key(carrier), (carrier or "").strip())


def carrier_key(carrier: str) -> str:
    key = re.sub(r"[^a-z]", "", (carrier or "").lower())
    return _ALIASES.get(key, key)


def tracking_url(*, carrier: str, tracking_number: str) -> str:
    """The carrier's tracking page for this number, or "" for a carrier we do not know."""
    number = (tracking_number or "").strip()
    template = _TRACKING_PAGES.get(carrier_key(carrier))
    if not template or not number:
        return ""
    return template.format(number=quote(number, safe=""))
