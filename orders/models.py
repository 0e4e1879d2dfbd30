"""Orders (public schema): each credited to the retailer whose storefront took it.

Card data never reaches these tables: only the gateway's ids are kept.
"""

from django.conf import settings
from django.db import models


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Pending payment"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        CANCELED = "canceled", "Canceled"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"

    number = models.CharField(max_length=32, unique=True)
    retailer = models.ForeignKey(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="orders"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT, db_index=True
    )
    # Shopper contact
    email = models.EmailField()
    full_name = models.CharField(max_length=120)
    phone = models.CharField(max_length=30, blank=True)
    # Shipping address
    ship_line1 = models.CharField(max_length=120)
    ship_line2 = models.CharField(max_length=120, blank=True)
    ship_city = models.CharField(max_length=80)
    ship_state = models.CharField(max_length=2)
    ship_postal_code = models.CharField(max_length=10)
    # Billing address (blank when same as shipping)
    billing_same_as_shipping = models.BooleanField(default=True)
    bill_line1 = models.CharField(max_length=120, blank=True)
    bill_line2 = models.CharField(max_length=120, blank=True)
    bill_city = models.CharField(max_length=80, blank=True)
    bill_state = models.CharField(max_length=2, blank=True)
    bill_postal_code = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)
    # Money
    currency = models.CharField(max_length=3, default="USD")
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    shipping = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # Gateway references (never card data)
    gateway = models.CharField(max_length=20, blank=True)
    checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    payment_intent_id = models.CharField(max_length=255, blank=True)
    # Fulfilment
    carrier = models.CharField(max_length=40, blank=True)
    tracking_number = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("view_customer_contact", "Can see customer contact data"),
            # Staff roles (retailers migration 0005_staff_roles): Fulfilment ships, Finance refunds.
            ("view_shipping_address", "Can see the ship-to name and address"),
            ("refund_order", "Can refund orders"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("storefront.Product", on_delete=models.PROTECT, related_name="+")
    # As they were at purchase
    sku = models.CharField(max_length=32)
    name = models.CharField(max_length=120)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity


class OrderEvent(models.Model):
    """The order's history: who or what changed it, and when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    message = models.CharField(max_length=255, blank=True)
    actor = models.CharField(max_length=120, help_text="user, gateway event id, or system")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order.number}: {self.from_status} → {self.to_status}"

    @property
    def to_status_label(self) -> str:
        try:
            return str(Order.Status(self.to_status).label)
        except ValueError:
            return self.to_status


class WebhookEvent(models.Model):
    """A gateway event we have processed: each event id once (Stripe redelivers)."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=80)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_events"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class OfflineCheckoutSession(models.Model):
    """The offline gateway's own record of a hosted checkout session.

    It plays Stripe's part in development, demos and tests: same ids shape,
    same states, amounts in minor units. Never holds card data (there is none).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETE = "complete", "Complete"
        EXPIRED = "expired", "Expired"

    class PaymentStatus(models.TextChoices):
        UNPAID = "unpaid", "Unpaid"
        PAID = "paid", "Paid"

    session_id = models.CharField(max_length=80, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    payment_status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    amount_total = models.PositiveBigIntegerField()
    amount_refunded = models.PositiveBigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    payment_intent_id = models.CharField(max_length=80, blank=True)
    line_items = models.JSONField(default=list)
    metadata = models.JSONField(default=dict)
    success_url = models.URLField(max_length=500)
    cancel_url = models.URLField(max_length=500)
    idempotency_key = models.CharField(max_length=120, unique=True)
    # Refunds made through this gateway: [{"id", "amount", "idempotency_key"}].
    refunds = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.session_id
