"""Returns: ask (shopper), receive and inspect, refund (staff, Fulfilment).

The refund goes through `orders.services.order_refund`, the one refund path: it calls
the gateway, records the refunded total, emails the shopper, and runs the order's
transition hooks (commission clawback, team override reversal, host rewards). This
module never writes a ledger entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from orders.models import Order, OrderLine
from orders.services import RefundError, order_refund
from orders.services.transitions import order_lock, order_note

from .emails import return_instructions_enqueue
from .models import ReturnLine, ReturnRequest
from .selectors import return_window_open, returnable_quantities

CENT = Decimal("0.01")


class ReturnError(Exception):
    """A return that cannot be asked for or refunded; `message` is shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def return_line_refund(*, line: OrderLine, quantity: int) -> Decimal:
    """What `quantity` of `line` refunds: price less its share of the discount, plus its
    share of the tax paid (both as placement allocated them to the line)."""
    if quantity <= 0:
        return Decimal("0.00")
    if quantity >= line.quantity:
        return line.line_total - line.discount + line.tax
    share = Decimal(quantity) / Decimal(line.quantity)
    return _cents(line.unit_price * quantity - line.discount * share + line.tax * share)


@transaction.atomic
def return_request_create(
    *,
    order_id: int,
    quantities: Mapping[int, int],
    reasons: Mapping[int, str],
    note: str,
    actor: str,
) -> ReturnRequest:
    """Ask to return these order lines (line id → quantity, line id → reason)."""
    order = order_lock(order_id=order_id)  # two tabs cannot ask for the same items twice
    if not return_window_open(order=order):
        raise ReturnError(
            "This order can no longer be returned online: returns are accepted for "
            "shipped orders within the return window. Please contact us."
        )
    wanted = {int(k): int(v) for k, v in quantities.items() if int(v) > 0}
    if not wanted:
        raise ReturnError("Choose at least one item and how many to return.")
    left = returnable_quantities(order=order)
    valid_reasons = set(ReturnLine.Reason.values)
    for line_id, quantity in wanted.items():
        if line_id not in left:
            raise ReturnError("That item is not part of this order.")
        if quantity > left[line_id]:
            raise ReturnError(f"You can return at most {left[line_id]} of one of the items.")
        if reasons.get(line_id) not in valid_reasons:
            raise ReturnError("Tell us why you are returning each item.")
    count = ReturnRequest.objects.filter(order=order).count()
    request = ReturnRequest.objects.create(
        number=f"{order.number}-R{count + 1}",
        order=order,
        note=note.strip()[:500],
        requested_by=actor,
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(request=request, order_line_id=line_id, quantity=q, reason=reasons[line_id])
        for line_id, q in sorted(wanted.items())
    )
    order_note(order=order, actor=actor, message=f"Return {request.number} requested")
    return_instructions_enqueue(request=request)
    return request


def _lock(return_id: int) -> ReturnRequest:
    return ReturnRequest.objects.select_for_update().select_related("order").get(pk=return_id)


@transaction.atomic
def return_receive(*, return_id: int, actor: str) -> ReturnRequest:
    """The parcel reached the warehouse; inspection follows."""
    request = _lock(return_id)
    if request.status != ReturnRequest.Status.REQUESTED:
        raise ReturnError(f"Return {request.number} is {request.get_status_display().lower()}.")
    request.status = ReturnRequest.Status.RECEIVED
    request.received_at = timezone.now()
    request.received_by = actor
    request.save(update_fields=["status", "received_at", "received_by"])
    order_note(order=request.order, actor=actor, message=f"Return {request.number} received")
    return request


@transaction.atomic
def return_reject(*, return_id: int, actor: str) -> ReturnRequest:
    request = _lock(return_id)
    if request.status not in (ReturnRequest.Status.REQUESTED, ReturnRequest.Status.RECEIVED):
        raise ReturnError(f"Return {request.number} is {request.get_status_display().lower()}.")
    request.status = ReturnRequest.Status.REJECTED
    request.save(update_fields=["status"])
    order_note(order=request.order, actor=actor, message=f"Return {request.number} rejected")
    return request


def return_shipping_refund(*, request: ReturnRequest, lines: list[ReturnLine]) -> Decimal:
    """Shipping policy: the original shipping comes back when the return is our mistake
    (damaged, faulty or wrong item), once per order."""
    if not any(line.reason in ReturnLine.OUR_MISTAKE and line.accepted for line in lines):
        return Decimal("0.00")
    already = ReturnRequest.objects.filter(order=request.order).aggregate(s=Sum("refund_shipping"))[
        "s"
    ] or Decimal("0.00")
    return max(Decimal("0.00"), request.order.shipping - already)


@transaction.atomic
def return_refund(*, return_id: int, actor: str) -> ReturnRequest:
    """Refund the inspected lines (accepted quantity; unset means all) through the
    order's refund service, partial per line, shipping per policy."""
    request = _lock(return_id)
    if request.status != ReturnRequest.Status.RECEIVED:
        raise ReturnError(
            f"Return {request.number} is {request.get_status_display().lower()}; "
            "only a received return is refunded."
        )
    order: Order = order_lock(order_id=request.order_id)
    lines = list(request.lines.select_related("order_line"))
    for line in lines:
        accepted = line.quantity if line.accepted_quantity is None else line.accepted_quantity
        line.accepted = accepted > 0
        line.refund_amount = return_line_refund(line=line.order_line, quantity=accepted)
    shipping = return_shipping_refund(request=request, lines=lines)
    amount = sum((line.refund_amount for line in lines), start=Decimal("0.00")) + shipping
    amount = min(amount, order.total - order.refunded_amount)
    if amount > 0:
        try:
            order_refund(order_id=order.pk, amount=amount, actor=actor)
        except RefundError as exc:
            raise ReturnError(str(exc)) from exc
    ReturnLine.objects.bulk_update(lines, ["refund_amount"])
    request.status = ReturnRequest.Status.REFUNDED
    request.refunded_at = timezone.now()
    request.refund_amount = amount
    request.refund_shipping = min(shipping, amount)
    request.save(update_fields=["status", "refunded_at", "refund_amount", "refund_shipping"])
    return request
