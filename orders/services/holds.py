"""Stock holds that expire: a pending order holds its stock until `hold_expires_at`.

The gateway session expires at the same moment (`checkout.py`). Expired holds are
released by the beat task `orders.stock_holds_release_task` AND lazily whenever
stock is read (product page, cart, checkout, placement), so correctness never
depends on beat running. A hold is released `STOCK_HOLD_GRACE_SECONDS` after it
expires, leaving a payment that completed at the last second time to arrive.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from shopsocial.invalidation import NEXT_HOLD_EXPIRY, cached

from ..models import Order
from .payment import order_payment_cancel

logger = logging.getLogger(__name__)


def stock_hold_expiry(*, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(minutes=settings.STOCK_HOLD_MINUTES)


def stock_holds_release_expired(*, now: datetime | None = None, limit: int = 100) -> int:
    """Cancel pending orders whose hold has expired (releasing stock and codes)."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.STOCK_HOLD_GRACE_SECONDS)
    ids = list(
        Order.objects.filter(status=Order.Status.PENDING_PAYMENT, hold_expires_at__lte=cutoff)
        .order_by("pk")  # one lock order for every releaser: no deadlocks
        .values_list("pk", flat=True)[:limit]
    )
    for order_id in ids:
        order_payment_cancel(order_id=order_id, actor="system", reason="Stock hold expired")
    if ids:
        logger.info("released %d expired stock holds", len(ids))
    return len(ids)


_NEVER = datetime.max.replace(tzinfo=UTC)


def _next_hold_expiry() -> datetime:
    found = Order.objects.filter(
        status=Order.Status.PENDING_PAYMENT, hold_expires_at__isnull=False
    ).aggregate(first=Min("hold_expires_at"))["first"]
    return found or _NEVER


def stock_holds_release_due() -> int:
    """`stock_holds_release_expired()` for pages that show stock, without its query
    while no hold can have expired yet.

    The earliest expiry is kept in the shared cache; every order write deletes it
    (shopsocial/invalidation.py).
    """
    first = cached(NEXT_HOLD_EXPIRY, _next_hold_expiry, timeout=60)
    grace = timedelta(seconds=settings.STOCK_HOLD_GRACE_SECONDS)
    if first != _NEVER and timezone.now() >= first + grace:
        return stock_holds_release_expired()
    return 0
