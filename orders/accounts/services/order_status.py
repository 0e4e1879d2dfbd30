"""Order-status links: staff revoke every link of an order by bumping its version."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from orders.hooks import order_email_proved_hooks_run
from orders.models import Order
from shopsocial.mail.addresses import email_normalise

from ..models import OrderEmailProof, OrderStatusLink


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


# --- hardening (issue 30 item 4): the order's own link proves its address ----------------
@transaction.atomic
def order_email_prove(*, order: Order) -> bool:
    """The buyer used the order's emailed link and pressed Confirm: the order's address is
    proved. Runs the order's email-proved hooks (customer protection may start). False if
    it was proved already (idempotent)."""
    email = email_normalise(order.email or "")
    if not email:
        return False
    _proof, created = OrderEmailProof.objects.get_or_create(
        order=order, defaults={"email": email, "proved_at": timezone.now()}
    )
    if created:
        order_email_proved_hooks_run(order=order)
    return created
