"""Return requests (public schema, beside the orders they belong to).

A request names order lines and quantities; staff receive the parcel, record how many
of each line passed inspection, and refund through the order's refund service
(`orders.services.order_refund`), which also reverses commissions and host rewards.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models


class ReturnRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        RECEIVED = "received", "Received"
        REFUNDED = "refunded", "Refunded"
        REJECTED = "rejected", "Rejected"

    number = models.CharField(max_length=40, unique=True)  # "<order number>-R1"
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.REQUESTED, db_default="requested"
    )
    note = models.CharField(max_length=500, blank=True)
    requested_by = models.CharField(max_length=120, help_text="status link, account or staff")
    created_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.CharField(max_length=120, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), db_default=Decimal("0.00")
    )
    refund_shipping = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), db_default=Decimal("0.00")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("refund_returnrequest", "Can refund an inspected return")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refund_amount__gte=0)
                & models.Q(refund_shipping__gte=0)
                & models.Q(refund_shipping__lte=models.F("refund_amount")),
                name="returnrequest_refund_amounts_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refunded") | models.Q(refunded_at__isnull=False),
                name="returnrequest_refunded_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ReturnLine(models.Model):
    class Reason(models.TextChoices):
        CHANGED_MIND = "changed_mind", "Changed my mind"
        NOT_AS_DESCRIBED = "not_as_described", "Not as described"
        DAMAGED = "damaged", "Arrived damaged or faulty"
        WRONG_ITEM = "wrong_item", "Wrong item sent"

    # Our mistake or the carrier's: the original shipping is refunded too.
    OUR_MISTAKE = frozenset({Reason.DAMAGED, Reason.WRONG_ITEM})

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # Set by staff at inspection: how many came back in a refundable state.
    accepted_quantity = models.PositiveIntegerField(null=True, blank=True)
    refund_amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), db_default=Decimal("0.00")
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="returnline_quantity_at_least_one"
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_quantity__isnull=True)
                | models.Q(accepted_quantity__lte=models.F("quantity")),
                name="returnline_accepted_at_most_asked",
                violation_error_message="No more can be accepted than were sent back.",
            ),
            models.CheckConstraint(
                condition=models.Q(refund_amount__gte=0), name="returnline_refund_non_negative"
            ),
            models.UniqueConstraint(
                fields=["request", "order_line"], name="returnline_one_per_order_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.display_name}"
