"""Stock holds that expire: a pending order holds its stock until `hold_expires_at`.

The gateway session expires at the same moment (`checkout.py`). Expired holds are
released by the beat task `orders.stock_holds_release_task` AND lazily whenever
stock is read (product page, cart, checkout, placement), so correctness never
depends on beat running. A hold is released `STOCK_HOLD_GRACE_SECONDS` after it
expires, leaving a payment that completed at the last second time to arrive.

A shopper's request pays only for the holds on what it shows or takes: a page releases
at most `STOCK_HOLD_INLINE_RELEASE` of the others and queues the task for the rest; a
product page, the cart and placing an order release every expired hold on their own
variants, so what they say about stock is right.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from shopsocial.celery import task_always_eager, task_queue
from shopsocial.invalidation import CACHE_ALIAS, NEXT_HOLD_EXPIRY, cached

from ..models import Order, OrderLine
from .payment import order_payment_cancel

logger = logging.getLogger(__name__)


def stock_hold_expiry(*, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(minutes=settings.STOCK_HOLD_MINUTES)


# The task that releases what a page left; at most one queued per this many seconds.
RELEASE_TASK = "orders.stock_holds_release_task"
RELEASE_QUEUED_KEY = "stock-holds-release-queued"
RELEASE_QUEUED_SECONDS = 30


def stock_holds_release_expired(
    *,
    now: datetime | None = None,
    limit: int = 100,
    variant_ids: Collection[int] | None = None,
) -> int:
    """Cancel pending orders whose hold has expired (releasing stock and codes), at
    most `limit`, oldest order first; with `variant_ids`, only orders holding one of
    those variants."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.STOCK_HOLD_GRACE_SECONDS)
    due = Order.objects.filter(status=Order.Status.PENDING_PAYMENT, hold_expires_at__lte=cutoff)
    if variant_ids is not None:
        due = due.filter(
            pk__in=OrderLine.objects.filter(variant_id__in=variant_ids).values("order_id")
        )
    ids = list(
        due.order_by("pk").values_list(  # one lock order for every releaser: no deadlocks
            "pk", flat=True
        )[:limit]
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


def stock_holds_due() -> bool:
    """Whether some hold may be past its expiry and grace; no query while none can be (the
    earliest expiry is kept in the shared cache; every order write deletes it,
    shopsocial/invalidation.py)."""
    first = cached(NEXT_HOLD_EXPIRY, _next_hold_expiry, timeout=60)
    grace = timedelta(seconds=settings.STOCK_HOLD_GRACE_SECONDS)
    return first != _NEVER and timezone.now() >= first + grace


def stock_holds_release_due(*, variant_ids: Collection[int] | None = None) -> int:
    """`stock_holds_release_expired()` for requests that show or take stock, without its
    query while no hold can have expired yet (`stock_holds_due`).

    Without `variant_ids` (a page that shows stock): bounded, at most
    `STOCK_HOLD_INLINE_RELEASE` holds, oldest first; when there may be more (beat fell
    behind), the release task is queued for the rest. With `variant_ids` (a cart or an
    order about to take those variants): every expired hold on them, so their stock
    check is right, and no other.
    """
    if not stock_holds_due():
        return 0
    if variant_ids is not None:
        return stock_holds_release_all(variant_ids=variant_ids)
    limit = settings.STOCK_HOLD_INLINE_RELEASE
    released = stock_holds_release_expired(limit=limit)
    if released >= limit:
        transaction.on_commit(_release_task_queue)
    return released


def stock_holds_release_all(
    *,
    now: datetime | None = None,
    batch: int = 100,
    seconds: float = 45.0,
    variant_ids: Collection[int] | None = None,
) -> int:
    """Release every expired hold (with `variant_ids`, every one on those variants), a
    batch at a time, for about `seconds` at most (the beat task, well inside its time
    limit; what is left waits for its next run)."""
    deadline = time.monotonic() + seconds
    total = 0
    while released := stock_holds_release_expired(now=now, limit=batch, variant_ids=variant_ids):
        total += released
        if time.monotonic() >= deadline:
            break
    return total


def _release_task_queue() -> None:
    """Queue the release task unless one was queued a moment ago. Never an error page:
    a broker that is away, or a shared cache that is away (its `add` then says "not
    added", so nothing is queued), leaves the rest to beat and to the next pages.
    Without a broker (development) tasks run eagerly, that is inside this request:
    nothing is queued, and `manage.py serve`'s in-process beat releases the rest."""
    if task_always_eager():
        return
    if not caches[CACHE_ALIAS].add(RELEASE_QUEUED_KEY, True, RELEASE_QUEUED_SECONDS):
        return
    try:
        task_queue(RELEASE_TASK)
    except Exception:  # noqa: BLE001 - any broker failure; beat releases the rest
        logger.warning("could not queue %s; beat will release the rest", RELEASE_TASK)
