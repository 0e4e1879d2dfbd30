"""Staff correct a customer's details on an unshipped order (issue 30 item 10).

The privacy policy promises that people can change their personal information by
phone, chat or ticket; Support carries the change out here. Only orders not yet
shipped (the parcel cannot be re-addressed after), only the customer's name, phone
and ship-to address, and every correction is an OrderEvent naming the staff member,
the fields (never their values) and the reason.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Order, OrderEvent

CORRECTABLE = (
    "full_name",
    "phone",
    "ship_line1",
    "ship_line2",
    "ship_city",
    "ship_state",
    "ship_postal_code",
)
UNSHIPPED = (Order.Status.PENDING_PAYMENT, Order.Status.PAID)


@transaction.atomic
def order_contact_correct(*, order_id: int, actor: str, reason: str, **changes: str) -> Order:
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    if not reason.strip():
        raise ValidationError("Say why (the ticket or call reference).")
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status not in UNSHIPPED:
        raise ValidationError("Only an order that has not shipped can be corrected.")
    changed = [name for name, value in changes.items() if getattr(order, name) != value]
    if not changed:
        return order
    for name in changed:
        setattr(order, name, changes[name])
    order.full_clean()
    order.save(update_fields=[*changed, "updated_at"])
    OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        message=f"Customer details corrected ({', '.join(changed)}): {reason.strip()}"[:255],
        actor=actor,
    )
    return order
