"""Verified-purchase product reviews (issue 28 item 4), company-wide in the public schema.

A review belongs to one order line (one review per line, a unique constraint), so only
a shopper who paid for the product can write one. It shows once staff with the Catalog
role approve it; approving or rejecting purges the product's cached pages
(shopsocial/invalidation.py, "reviews.Review").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from shopsocial.invalidation import InvalidatingQuerySet


class Review(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    product = models.ForeignKey(
        "storefront.Product", on_delete=models.PROTECT, related_name="reviews"
    )
    order_line = models.OneToOneField(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="review"
    )
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=4000)
    display_name = models.CharField(max_length=40)
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        db_default=Status.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="review_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["product", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"

    @property
    def stars(self) -> str:
        return "★" * self.rating + "☆" * (5 - self.rating)
