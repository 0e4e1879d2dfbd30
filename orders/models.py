"""Orders (public schema): each credited to the retailer whose storefront took it.

Card data never reaches these tables: only the gateway's ids are kept.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from shopsocial.invalidation import InvalidatingQuerySet

# The offline gateway keeps its own sessions beside the gateway (an adapter imports no
# domain model); imported here so the model stays registered under the orders app.
from .gateways.offline_store import (  # noqa: F401
    OfflineCheckoutSession,
    OfflineConnectAccount,
    OfflineTransfer,
)


class ShippingMethod(models.Model):
    """A way to ship, managed in the admin (Standard and Express are seeded)."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60)
    price = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    free_above = models.DecimalField(
        "free from (merchandise after discount)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="Empty: never free.",
    )
    delivery_estimate = models.CharField(max_length=60, help_text="e.g. 5–7 business days")
    delivery_days_min = models.PositiveSmallIntegerField(default=5)
    delivery_days_max = models.PositiveSmallIntegerField(default=7)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["position", "price", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0)
                & (models.Q(free_above__isnull=True) | models.Q(free_above__gte=0)),
                name="shippingmethod_amounts_non_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(delivery_days_max__gte=models.F("delivery_days_min")),
                name="shippingmethod_delivery_days_ordered",
                violation_error_message="The longest delivery time must not be shorter.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


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
    # Company-site orders only: the retailer the shopper said helped them ("who helped
    # you?" at checkout). Empty: the company keeps the sale (retailers/earnings credits).
    helped_by = models.ForeignKey(
        "retailers.Retailer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="helped_orders",
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
    # total = subtotal (merchandise) - discount + shipping + tax  (orders/totals.py)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    discount_code = models.CharField(max_length=40, blank=True)
    # The code's discount is paid by the company (a host reward; orders/totals.py).
    discount_company_funded = models.BooleanField(default=False, db_default=False)
    shipping = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_method = models.ForeignKey(
        ShippingMethod, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shipping_method_name = models.CharField(max_length=60, blank=True)
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    tax_engine = models.CharField(max_length=20, blank=True)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # Paid by gift card / store credit (orders/giftcards, through orders.hooks): a
    # payment, not a discount, so the total and its tax are unchanged; the gateway
    # charges `amount_due` = total - giftcard_amount. giftcard_refunded: the part of
    # refunded_amount given back to the cards (a ledger entry, not the gateway).
    giftcard_amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), db_default=Decimal("0.00")
    )
    giftcard_refunded = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), db_default=Decimal("0.00")
    )
    # The tax part of refunded_amount (refunds split tax in proportion: orders/totals.py).
    refunded_tax = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    # Stock reserved for this order is held until then (pending orders only).
    hold_expires_at = models.DateTimeField(null=True, blank=True)
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

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("view_customer_contact", "Can see customer contact data"),
            # Staff roles (retailers 0007_staff_roles): Fulfilment ships, Finance refunds, Support
            # revokes a leaked order-status link.
            ("view_shipping_address", "Can see the ship-to name and address"),
            ("refund_order", "Can refund orders"),
            ("revoke_status_links", "Can revoke order-status links"),
        ]
        indexes = [
            models.Index(
                fields=["hold_expires_at"],
                name="order_pending_hold_idx",
                condition=models.Q(status="pending_payment"),
            )
        ]
        # Money invariants: the services keep them, the database makes them certain.
        constraints = [
            models.CheckConstraint(
                condition=models.Q(subtotal__gte=0)
                & models.Q(shipping__gte=0)
                & models.Q(total__gte=0)
                & models.Q(refunded_amount__gte=0),
                name="order_amounts_non_negative",
                violation_error_message="Order amounts cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(discount__gte=0)
                & models.Q(discount__lte=models.F("subtotal"))
                & models.Q(tax__gte=0)
                & models.Q(refunded_tax__gte=0)
                & models.Q(refunded_tax__lte=models.F("tax")),
                name="order_discount_and_tax_in_range",
                violation_error_message="Discount must be within the merchandise, tax at least 0.",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    total=models.F("subtotal")
                    - models.F("discount")
                    + models.F("shipping")
                    + models.F("tax")
                ),
                name="order_total_adds_up",
                violation_error_message="Total must be merchandise - discount + shipping + tax.",
            ),
            models.CheckConstraint(
                condition=models.Q(giftcard_amount__gte=0)
                & models.Q(giftcard_amount__lte=models.F("total"))
                & models.Q(giftcard_refunded__gte=0)
                & models.Q(giftcard_refunded__lte=models.F("giftcard_amount"))
                & models.Q(giftcard_refunded__lte=models.F("refunded_amount")),
                name="order_giftcard_part_in_range",
                violation_error_message="The gift-card part must be within the total.",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("total")),
                name="order_refunded_at_most_total",
                violation_error_message="An order cannot be refunded more than its total.",
            ),
            models.CheckConstraint(
                condition=~models.Q(helped_by=models.F("retailer")),
                name="order_helper_not_the_storefront",
                violation_error_message="The retailer who helped is not the storefront itself.",
            ),
            models.CheckConstraint(
                condition=models.Q(currency="USD"),
                name="order_currency_usd",
                violation_error_message="The shop sells in USD only.",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def amount_due(self) -> Decimal:
        """What the gateway charges: the total less the gift-card / store-credit part."""
        return self.total - self.giftcard_amount

    @property
    def commission_base(self) -> Decimal:
        """What commissions are paid on: merchandise after the discounts the retailer
        shares in, no tax, no shipping (the stored twin of `Totals.commission_base`)."""
        return commission_base_of(
            merchandise=self.subtotal,
            discount=self.discount,
            discount_company_funded=self.discount_company_funded,
        )


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("storefront.Product", on_delete=models.PROTECT, related_name="+")
    # What was bought; stock is held and released per variant. Null only for lines
    # written before variants existed and not matched by the migration.
    variant = models.ForeignKey(
        "storefront.ProductVariant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # As they were at purchase
    sku = models.CharField(max_length=32)
    name = models.CharField(max_length=120)
    variant_label = models.CharField(max_length=130, blank=True)  # e.g. "Cedar, 16 oz"
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()
    # The order's discount and tax allocated to this line (orders/totals.py).
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    taxable = models.BooleanField(default=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1),
                name="orderline_quantity_at_least_one",
                violation_error_message="A line orders at least one item.",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0),
                name="orderline_unit_price_non_negative",
                violation_error_message="A unit price cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(discount__gte=0) & models.Q(tax__gte=0),
                name="orderline_discount_tax_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.display_name}"

    @property
    def display_name(self) -> str:
        """ "Scented candle (Cedar, 16 oz)" or just the name for a single-variant product."""
        return f"{self.name} ({self.variant_label})" if self.variant_label else self.name

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


def commission_base_of(
    *, merchandise: Decimal, discount: Decimal, discount_company_funded: bool
) -> Decimal:
    """Merchandise after the discounts the retailer shares in; never negative.

    A company-funded discount (a host reward) leaves the base whole: the company, not
    the retailer, pays the host. EARNINGS_COMPANY_FUNDED_DISCOUNTS_LOWER_BASE = True
    makes every discount lower the base.
    """
    lowers = not discount_company_funded or settings.EARNINGS_COMPANY_FUNDED_DISCOUNTS_LOWER_BASE
    return max(merchandise - (discount if lowers else Decimal("0.00")), Decimal("0.00"))
