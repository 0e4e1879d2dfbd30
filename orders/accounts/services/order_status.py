"""Order-status links: staff revoke every link of an order by bumping its version."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from orders.models import Order

from ..models import OrderStatusLink


# --- Order status links ----------------------------------------------------------------
@transaction.atomic
def order_status_links_revoke(*, order: Order, actor: str) -> OrderStatusLink:
    """Every status link made so far for this order stops working; new ones use the next version."""
    link, _ = OrderStatusLink.objects.get_or_create(order=order)
    OrderStatusLink.objects.filter(pk=link.pk).update(
        version=F("version") + 1, revoked_at=timezone.now(), revoked_by=actor[:150]
    )
    link.refresh_from_db()
    return link
