"""Review writes: a shopper writes one review per order line; Catalog staff moderate."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.models import OrderLine

from .models import Review


class ReviewExistsError(Exception):
    """This order line has a review already (one per line)."""


def review_create(
    *, line: OrderLine, rating: int, title: str, body: str, display_name: str
) -> Review:
    """A new review, waiting for moderation. The caller proved the purchase (selectors)."""
    review = Review(
        product_id=line.product_id,
        order_line=line,
        rating=rating,
        title=title,
        body=body,
        display_name=display_name,
    )
    review.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:  # the unique order line: a second tab, a double click
        raise ReviewExistsError from exc
    return review


def reviews_moderate(*, review_ids: list[int], status: str, actor: AbstractBaseUser | None) -> int:
    """Approve or reject reviews (the admin's bulk actions); returns how many changed.

    A queryset update: the reviews' product pages are purged after commit
    (shopsocial/invalidation.py).
    """
    if status not in (Review.Status.APPROVED, Review.Status.REJECTED):
        raise ValueError(f"not a moderation decision: {status!r}")
    with transaction.atomic():
        return (
            Review.objects.filter(pk__in=review_ids)
            .exclude(status=status)
            .update(
                status=status,
                moderated_at=timezone.now(),
                moderated_by_id=getattr(actor, "pk", None),
            )
        )
