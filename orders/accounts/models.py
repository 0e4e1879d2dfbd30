"""What an account has proved, and which order-status links still open."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q


class AccountEmail(models.Model):
    """The address an account has proved it receives mail at, and one it is proving.

    Nothing is matched to an account by email address (guest orders, newsletter
    sign-ups, consent records, breach notices, exports, erasure) unless it is the
    account's `verified_email`. A change of address waits in `pending_email` until
    the link sent there is used.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_email"
    )
    verified_email = models.EmailField(blank=True, help_text="normalised; blank: none yet")
    verified_at = models.DateTimeField(null=True, blank=True)
    pending_email = models.EmailField(blank=True, help_text="normalised; waiting for its link")
    pending_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "account email"
        constraints = [
            # One account per proved address.
            models.UniqueConstraint(
                fields=["verified_email"],
                condition=~Q(verified_email=""),
                name="accounts_verified_email_unique",
            ),
            models.CheckConstraint(
                condition=Q(verified_email="") | Q(verified_at__isnull=False),
                name="accounts_verified_email_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"account {self.user_id}"


class OrderStatusLink(models.Model):
    """The current version of an order's status links: staff revoke by bumping it.

    An order with no row is at version 1; links carry the version they were made at.
    """

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="status_link"
    )
    version = models.PositiveIntegerField(default=1)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(version__gte=1), name="accounts_status_version_gte_1"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} v{self.version}"


class OrderEmailProof(models.Model):
    """The buyer proved the order's email address by using the order's own emailed link
    (a POST from the status page it opens: link scanners only GET). Issue 30 item 4:
    only then may a guest order's address start customer protection."""

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(max_length=254)  # normalised, as proved
    proved_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"order {self.order_id} proved"


class ShopperAccount(User):
    """A shopper's sign-in, as Support sees it in the admin (a proxy: no table of its own).

    Support carries out a shopper's change request (phone, chat, ticket) through the
    "Correct the shopper's details" action; staff and retailer sign-ins are not listed.
    """

    class Meta:
        proxy = True
        verbose_name = "shopper account"
        permissions = [
            ("correct_shopper_details", "Can correct a shopper's name and email on request")
        ]


class AccountCorrection(models.Model):
    """Audit of a staff correction to a shopper's account: who, which fields (never the
    values), why. Append-only in the admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_corrections"
    )
    actor = models.CharField(max_length=150)
    fields = models.CharField(max_length=200)
    reason = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"account {self.user_id}: {self.fields}"
