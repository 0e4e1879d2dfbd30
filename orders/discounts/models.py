"""Discount codes and their use by orders.

A code is general on purpose: staff create codes in the admin, and code elsewhere
issues one-time codes programmatically (`discount_code_issue`, e.g. host rewards).
Each order that uses a code has one `DiscountRedemption`: *reserved* while the order
awaits payment (so usage limits hold under concurrency), *redeemed* when payment
succeeds, *released* when the order is canceled. Only reserved and redeemed uses
count toward the limits. No personal data is copied here: per-email limits are
counted through the order.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models


class DiscountCode(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", "Percent off merchandise"
        FIXED = "fixed", "Fixed amount off merchandise"

    class Source(models.TextChoices):
        STAFF = "staff", "Created by staff"
        ISSUED = "issued", "Issued by the system"

    code = models.CharField(
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9-]{3,40}$", "3–40 letters, digits or dashes.")],
        help_text="What the shopper types (not case-sensitive; stored in capitals).",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Percent (e.g. 10 for 10 %) or US dollars off.",
    )
    min_merchandise = models.DecimalField(
        "minimum merchandise subtotal",
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(
        null=True, blank=True, help_text="Orders in all (empty: no limit)."
    )
    max_uses_per_email = models.PositiveIntegerField(
        null=True, blank=True, help_text="Orders per shopper email (empty: no limit)."
    )
    active = models.BooleanField(default=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.STAFF)
    # The company pays this discount (host rewards): it does not lower the retailer's
    # commission base unless EARNINGS_COMPANY_FUNDED_DISCOUNTS_LOWER_BASE (issue 26).
    company_funded = models.BooleanField(default=False, db_default=False)
    # Host rewards work only on the storefront that issued them (issue 30, item 9); empty:
    # any storefront and the company site (staff codes).
    retailer = models.ForeignKey(
        "retailers.Retailer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Only on this retailer's storefront (empty: everywhere).",
    )
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gt=0),
                name="discountcode_value_positive",
                violation_error_message="A discount must be more than zero.",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="percent") | models.Q(value__lte=100),
                name="discountcode_percent_at_most_100",
                violation_error_message="A percentage discount is at most 100 %%.",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="discountcode_valid_to_after_from",
                violation_error_message="'Valid to' must be after 'valid from'.",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        if self.kind == self.Kind.PERCENT:
            return f"{self.value.normalize():f}% off"
        return f"${self.value} off"


class DiscountRedemption(models.Model):
    class Status(models.TextChoices):
        RESERVED = "reserved", "Reserved (awaiting payment)"
        REDEEMED = "redeemed", "Redeemed (paid)"
        RELEASED = "released", "Released (order canceled)"

    code = models.ForeignKey(DiscountCode, on_delete=models.PROTECT, related_name="redemptions")
    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="discount_redemption"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RESERVED, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="discountredemption_amount_non_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} on order {self.order_id} ({self.status})"
