"""Retailer reads. Every back-office query is scoped to the signed-in retailer: pass it in.

A retailer's orders and sales are orders reads (`orders/sales.py`); their storefront
content is `storefront.content`'s (the app order puts both above retailers)."""

from __future__ import annotations

from .models import Retailer, RetailerAuditEvent


def audit_events_for_retailer(*, retailer: Retailer, limit: int = 20) -> list[RetailerAuditEvent]:
    return list(
        RetailerAuditEvent.objects.filter(retailer=retailer).select_related("actor")[:limit]
    )


def retailer_for_user(user) -> Retailer | None:
    """The user's retailer row: read with the user when they signed in to the back office
    (retailers.backends.RetailerBackend.get_user), else one query."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        retailer = user.retailer
    except Retailer.DoesNotExist:
        return None
    return retailer if retailer.kind == Retailer.Kind.RETAILER else None
