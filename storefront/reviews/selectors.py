"""Review reads: who may review which order line, and what a product page shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Avg, Count, QuerySet

from orders.accounts.selectors import order_for_status_token
from orders.models import Order, OrderLine

from .models import Review

# A paid order (shipped, or partly refunded, too) proves the purchase; a pending,
# cancelled or fully refunded one does not.
REVIEWABLE_STATUSES = (
    Order.Status.PAID,
    Order.Status.SHIPPED,
    Order.Status.PARTIALLY_REFUNDED,
)


@dataclass(frozen=True)
class RatingSummary:
    average: Decimal | None  # one decimal place, None without approved reviews
    count: int

    @property
    def rounded(self) -> int:
        return int(self.average.quantize(Decimal("1"), ROUND_HALF_UP)) if self.average else 0


def _reviewable_lines() -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(order__status__in=REVIEWABLE_STATUSES).select_related(
        "product", "order"
    )


def review_line_for_account(*, user: AbstractBaseUser, line_id: int) -> OrderLine | None:
    """The line, if it is on a paid order of this signed-in account."""
    if not getattr(user, "pk", None):
        return None
    return _reviewable_lines().filter(pk=line_id, order__customer_id=user.pk).first()


def review_line_for_status_token(*, token: str, retailer, line_id: int) -> OrderLine | None:
    """The line, if it is on the paid order a current order-status link names."""
    order = order_for_status_token(token=token, retailer=retailer)
    if order is None or order.status not in REVIEWABLE_STATUSES:
        return None
    return _reviewable_lines().filter(pk=line_id, order=order).first()


def review_for_line(*, line: OrderLine) -> Review | None:
    return Review.objects.filter(order_line=line).first()


def review_lines_for_order(*, order: Order) -> list[tuple[OrderLine, Review | None]]:
    """Each line of a reviewable order with its review, if one was written."""
    if order.status not in REVIEWABLE_STATUSES:
        return []
    lines = list(order.lines.select_related("product").order_by("pk"))
    reviews = {r.order_line_id: r for r in Review.objects.filter(order_line__in=lines)}
    return [(line, reviews.get(line.pk)) for line in lines]


def reviews_approved_for_product(*, product_id: int) -> QuerySet[Review]:
    return Review.objects.filter(product_id=product_id, status=Review.Status.APPROVED).order_by(
        "-created_at", "-pk"
    )


def product_rating_summary(*, product_id: int) -> RatingSummary:
    row = reviews_approved_for_product(product_id=product_id).aggregate(
        average=Avg("rating"), count=Count("pk")
    )
    average = row["average"]
    if average is None:
        return RatingSummary(average=None, count=0)
    return RatingSummary(
        average=Decimal(str(average)).quantize(Decimal("0.1"), ROUND_HALF_UP), count=row["count"]
    )
