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
    if not getattr(user, "is_authenticated", False):
        return None
    return Retailer.objects.filter(user=user, kind=Retailer.Kind.RETAILER).first()
