"""The offline gateway's storage: its hosted checkout sessions (playing Stripe's part).

Part of the adapter, so it imports nothing of the domain; the model is registered under
the orders app (`orders.models` imports it), so its table and migrations are unchanged.
"""

from django.db import models


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
    amount_tax = models.PositiveBigIntegerField(default=0)
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
    # Like Stripe's expires_at: the session cannot be paid after it (the stock hold ends).
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "orders"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.session_id


# --- Payouts (issue 26): the offline gateway's Connect accounts and transfers ----------
class OfflineConnectAccount(models.Model):
    """The offline gateway's Express account: completed on its local onboarding page."""

    account_id = models.CharField(max_length=80, unique=True)
    email = models.EmailField(blank=True)
    details_submitted = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    metadata = models.JSONField(default=dict)
    idempotency_key = models.CharField(max_length=120, unique=True)
    # The last account link's return and refresh URLs (the onboarding page leads there).
    return_url = models.URLField(max_length=500, blank=True)
    refresh_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "orders"

    def __str__(self) -> str:
        return self.account_id


class OfflineTransfer(models.Model):
    """A transfer the offline gateway recorded (no money moves), like Stripe's object."""

    transfer_id = models.CharField(max_length=80, unique=True)
    destination = models.CharField(max_length=80)
    amount = models.PositiveBigIntegerField()
    amount_reversed = models.PositiveBigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    metadata = models.JSONField(default=dict)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "orders"

    def __str__(self) -> str:
        return self.transfer_id
