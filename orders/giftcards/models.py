"""Gift cards and store credit (public schema).

A card's balance is the sum of its ledger entries. Entries are append-only (the
database refuses UPDATE and DELETE, migration 0002) and each records the balance after
it, which a CheckConstraint keeps at or above zero; writers lock the card row
(SELECT … FOR UPDATE) before reading the last balance, so two checkouts cannot spend
the same money. `GiftCard.balance` is the same figure kept on the locked row for reads
and for the never-negative constraint.

Unclaimed-property law asks for the issue date and the date of last activity: both kept.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class GiftCard(models.Model):
    class Kind(models.TextChoices):
        GIFT_CARD = "gift_card", "Gift card"
        STORE_CREDIT = "store_credit", "Store credit"

    code = models.CharField(max_length=24, unique=True)  # XXXX-XXXX-XXXX-XXXX
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.GIFT_CARD)
    currency = models.CharField(max_length=3, default="USD", db_default="USD")
    initial_amount = models.DecimalField(max_digits=10, decimal_places=2)
    balance = models.DecimalField(max_digits=10, decimal_places=2)
    # Who may use store credit without a code (a shopper account); empty for a gift card.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="store_credits",
    )
    # The order that bought it (a gift-card sale), if any.
    source_order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_email = models.EmailField(blank=True)
    recipient_name = models.CharField(max_length=120, blank=True)
    issued_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        permissions = [("finance_report", "Can see the gift-card liability report")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="giftcard_balance_never_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(initial_amount__gt=0)
                & models.Q(balance__lte=models.F("initial_amount")),
                name="giftcard_balance_at_most_issued",
            ),
            models.CheckConstraint(condition=models.Q(currency="USD"), name="giftcard_usd"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} …{self.code[-4:]}"

    @property
    def masked_code(self) -> str:
        return f"…{self.code[-4:]}"


class GiftCardEntry(models.Model):
    """One movement of a card's balance. Never changed or deleted (a DB trigger)."""

    class Kind(models.TextChoices):
        ISSUE = "issue", "Issued"
        REDEEM = "redeem", "Redeemed at checkout"
        RELEASE = "release", "Returned (order canceled or refunded)"

    card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)  # + adds, − spends
    balance_after = models.DecimalField(max_digits=10, decimal_places=2)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0),
                name="giftcardentry_balance_never_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(amount=Decimal("0")), name="giftcardentry_amount_not_zero"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="redeem") & models.Q(amount__lt=0))
                | (~models.Q(kind="redeem") & models.Q(amount__gt=0)),
                name="giftcardentry_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card}: {self.amount}"


class GiftCardProduct(models.Model):
    """Marks a catalog product as a gift card: its variants' prices are the amounts."""

    product = models.OneToOneField("storefront.Product", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Gift card product #{self.product_id}"


class GiftCardRecipient(models.Model):
    """Who the gift cards an order buys are for (asked at checkout). When the order is
    paid, each card is emailed to this person; the buyer is told it was sent. Deleted
    with nothing else: the cards keep the recipient's name and address themselves."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="giftcard_recipient"
    )
    name = models.CharField(max_length=120)
    email = models.EmailField()
    message = models.TextField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"Gift card recipient for order #{self.order_id}"
