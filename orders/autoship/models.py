"""Autoship (public schema): what a customer has delivered again, and each run of it.

Personal data is referenced, never copied: the address is the first order's, the
email the account's verified one. Card data never reaches these tables, only the
gateway's customer and payment-method ids.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from storefront.cart import MAX_LINE_QUANTITY


class Autoship(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the first payment"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CANCELED = "canceled", "Canceled"

    class Interval(models.IntegerChoices):
        FOUR = 4, "Every 4 weeks"
        EIGHT = 8, "Every 8 weeks"
        TWELVE = 12, "Every 12 weeks"

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autoships"
    )
    # The storefront that sold the first order: later orders are placed there, so the
    # retailer is credited (customer protection applies as to any order of theirs).
    retailer = models.ForeignKey(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="autoships"
    )
    source_order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="autoships"
    )
    interval_weeks = models.PositiveSmallIntegerField(choices=Interval.choices)
    next_date = models.DateField(null=True, blank=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # Gateway ids only (a Stripe customer and its saved payment method).
    gateway = models.CharField(max_length=20, blank=True)
    gateway_customer_id = models.CharField(max_length=255, blank=True)
    payment_method_id = models.CharField(max_length=255, blank=True)
    # Dunning: declined tries in a row, and when the next try is due.
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    retry_on = models.DateField(null=True, blank=True)
    reminded_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_weeks__in=[4, 8, 12]), name="autoship_interval_4_8_12"
            ),
            models.CheckConstraint(
                condition=~Q(status="active")
                | (~Q(payment_method_id="") & Q(next_date__isnull=False)),
                name="autoship_active_has_method_and_date",
                violation_error_message="An active autoship needs a saved card and a date.",
            ),
        ]

    def __str__(self) -> str:
        return f"Autoship {self.pk}"

    @property
    def due_date(self) -> date | None:
        """When the next try happens: a dunning retry, else the next delivery."""
        return self.retry_on or self.next_date

    def date_after(self, day: date) -> date:
        return day + timedelta(weeks=self.interval_weeks)


class AutoshipLine(models.Model):
    autoship = models.ForeignKey(Autoship, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "storefront.ProductVariant", on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LINE_QUANTITY)]
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["autoship", "variant"], name="autoship_line_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_LINE_QUANTITY),
                name="autoship_line_quantity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × variant {self.variant_id}"


class AutoshipRun(models.Model):
    """One try on one date: at most one per (autoship, date), so a rerun places nothing."""

    class Status(models.TextChoices):
        PLACED = "placed", "Order placed, charging"
        PAID = "paid", "Paid"
        DECLINED = "declined", "Card declined"
        NOTHING_IN_STOCK = "nothing_in_stock", "Nothing in stock: skipped"
        SKIPPED = "skipped", "Skipped by the customer"
        FAILED = "failed", "Could not place"

    autoship = models.ForeignKey(Autoship, on_delete=models.CASCADE, related_name="runs")
    run_date = models.DateField()
    delivery_date = models.DateField(help_text="the delivery this try is for")
    status = models.CharField(max_length=20, choices=Status.choices)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payment_intent_id = models.CharField(max_length=255, blank=True)
    decline_code = models.CharField(max_length=60, blank=True)
    skipped_items = models.JSONField(default=list, blank=True)  # names out of stock
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-run_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["autoship", "run_date"], name="autoship_run_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.autoship_id} on {self.run_date}: {self.status}"

    @property
    def idempotency_key(self) -> str:
        return f"autoship-{self.autoship_id}-{self.run_date.isoformat()}"
