"""Commissions (public schema): an append-only ledger; balances are sums of entries.

A commission entry's amounts never change once written (a database trigger refuses
it); corrections are new entries. Only its settlement state moves: pending (inside the
return window) -> payable -> paid (in a payout line).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q, Value

from retailers.levels import Level
from shopsocial.invalidation import InvalidatingQuerySet

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class CommissionPlan(models.Model):
    """Rates in force from `effective_from` to the day before `effective_to` (open = no end).

    Plans never overlap (database exclusion constraint). An entry records the rate it
    was earned at, so a plan change never rewrites what was already earned.
    """

    name = models.CharField(max_length=80)
    effective_from = models.DateField()
    effective_to = models.DateField(
        null=True, blank=True, help_text="First day no longer covered; empty = open-ended."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=F("effective_from")),
                name="earnings_plan_dates_ordered",
            ),
            ExclusionConstraint(
                name="earnings_plan_no_overlap",
                expressions=[
                    (
                        Func(
                            F("effective_from"),
                            F("effective_to"),
                            Value("[)"),
                            function="daterange",
                            output_field=models.DateField(),
                        ),
                        RangeOperators.OVERLAPS,
                    )
                ],
            ),
        ]

    def __str__(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "open"
        return f"{self.name} ({self.effective_from.isoformat()} – {end})"

    def clean(self) -> None:
        if self.effective_to and self.effective_to <= self.effective_from:
            raise ValidationError({"effective_to": "The end must come after the start."})
        overlapping = CommissionPlan.objects.exclude(pk=self.pk).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gt=self.effective_from)
        )
        if self.effective_to:
            overlapping = overlapping.filter(effective_from__lt=self.effective_to)
        clash = overlapping.first()
        if clash:
            raise ValidationError(f"These dates overlap the plan “{clash}”.")


class LevelRate(models.Model):
    plan = models.ForeignKey(CommissionPlan, on_delete=models.CASCADE, related_name="level_rates")
    level = models.CharField(max_length=20, choices=Level.choices)
    rate = models.DecimalField("rate (%)", max_digits=5, decimal_places=2, validators=PERCENT)

    class Meta:
        ordering = ["plan", "level"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "level"], name="earnings_level_rate_once"),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="earnings_level_rate_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.rate} %"


class CategoryRate(models.Model):
    """Overrides the level rate for products of one category (and its sub-categories)."""

    plan = models.ForeignKey(
        CommissionPlan, on_delete=models.CASCADE, related_name="category_rates"
    )
    category = models.ForeignKey("storefront.Category", on_delete=models.PROTECT, related_name="+")
    rate = models.DecimalField("rate (%)", max_digits=5, decimal_places=2, validators=PERCENT)

    class Meta:
        ordering = ["plan", "category"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "category"], name="earnings_category_once"),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100),
                name="earnings_category_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.rate} %"


class PayoutBatch(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Prepared (not paid yet)"
        PAID = "paid", "Paid"

    class Rail(models.TextChoices):
        MANUAL = "manual", "Bank transfer (manual CSV)"
        ACH = "ach", "ACH direct deposit"
        STRIPE = "stripe", "Stripe Connect transfer"

    period_end = models.DateField(help_text="Pays entries that became payable up to this day.")
    rail = models.CharField(
        max_length=10, choices=Rail.choices, default=Rail.MANUAL, db_default=Rail.MANUAL
    )
    minimum = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "payout batches"
        permissions = [
            ("run_payouts", "Can prepare, export and mark payouts paid"),
            ("year_end_report", "Can run the 1099-NEC year-end report"),
            ("year_end_reveal_tax_ids", "Can export the 1099-NEC report with tax IDs"),
        ]

    def __str__(self) -> str:
        return f"Payout #{self.pk} to {self.period_end.isoformat()} ({self.get_status_display()})"


class PayoutLine(models.Model):
    """One retailer in a batch: paid, or held with the reason shown to the retailer."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="lines")
    retailer = models.ForeignKey(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="payout_lines"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    held = models.BooleanField(default=False)
    hold_reason = models.CharField(max_length=200, blank=True)
    # Held because the balance is under the batch's minimum: it carries over, unpaid.
    below_minimum = models.BooleanField(default=False, db_default=False)
    # Stripe Connect rail: the transfer made for this line (its idempotency key is
    # `payout-line-<pk>`), and what the gateway last said of it.
    transfer_id = models.CharField(max_length=80, blank=True, default="", db_default="")
    transfer_status = models.CharField(max_length=10, blank=True, default="", db_default="")

    class Meta:
        ordering = ["batch", "retailer"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "retailer"], name="earnings_payout_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="earnings_payout_positive"),
            models.CheckConstraint(
                condition=Q(below_minimum=False) | Q(held=True),
                name="earnings_payout_below_minimum_is_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.retailer_id}: {self.amount}{' (held)' if self.held else ''}"


class CommissionEntry(models.Model):
    """One line of the ledger. Amount, base, rate, retailer, order, kind and key are final."""

    class Kind(models.TextChoices):
        ACCRUAL = "accrual", "Commission earned"
        REFUND = "refund", "Refund clawback"
        REASSIGN_OUT = "reassign_out", "Reassigned to another retailer"
        REASSIGN_IN = "reassign_in", "Reassigned from another retailer"
        # Team overrides (retailers/team): written by the team's month close.
        OVERRIDE = "override", "Team override"
        OVERRIDE_REVERSAL = "override_reversal", "Team override reversed (refund)"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending (return window)"
        PAYABLE = "payable", "Payable"
        PAID = "paid", "Paid"

    retailer = models.ForeignKey(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="commission_entries"
    )
    # Empty only for a team override line (retailers/team), which is one line per downline
    # member per generation per month, not per order: its key is unique on its own.
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What makes this entry unique for its order: "paid", "refund:<cumulative refunded>",
    # "reassign:<n>". The database refuses a second entry with the same key.
    key = models.CharField(max_length=60)
    base = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Settlement (the only columns that change).
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    available_at = models.DateTimeField(null=True, blank=True, db_index=True)
    payable_at = models.DateTimeField(null=True, blank=True)
    payout_line = models.ForeignKey(
        PayoutLine, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )

    objects = InvalidatingQuerySet.as_manager()  # writes: shopsocial/invalidation.py

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "commission entries"
        constraints = [
            models.UniqueConstraint(fields=["order", "key"], name="earnings_entry_once"),
            # --- team (issue 25): a month's override line is unique by its key
            models.UniqueConstraint(
                fields=["key"], condition=Q(order__isnull=True), name="earnings_orderless_once"
            ),
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(kind="override"),
                name="earnings_orderless_is_override",
            ),
            # --- end team
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(payout_line__isnull=False),
                name="earnings_paid_has_payout",
            ),
        ]
        indexes = [models.Index(fields=["retailer", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.retailer_id})"

    @property
    def order_label(self) -> str:
        """What the retailer's statement shows for the order: its number only when the
        order was taken on their own storefront (or the company site named them); never
        another storefront's order number (issue 30 item 4)."""
        order = self.order
        if order is None:
            return "Team"
        return order_label_for(
            retailer_id=self.retailer_id,
            number=order.number,
            taken_by_id=order.retailer_id,
            helped_by_id=order.helped_by_id,
        )


def order_label_for(
    *, retailer_id: int, number: str | None, taken_by_id: int | None, helped_by_id: int | None
) -> str:
    """The one rule for CommissionEntry.order_label, also for rows read with values_list."""
    if number is None:  # a team override line: the month's sales of a downline member
        return "Team"
    return number if retailer_id in (taken_by_id, helped_by_id) else "Another storefront"


class CustomerProtection(models.Model):
    """A customer belongs to the retailer who first served them, until `expires_at`.

    The customer is a key made from order data only (a verified account's id, or the
    normalised email of their orders): never a cookie.
    """

    customer_key = models.CharField(max_length=300, unique=True)
    retailer = models.ForeignKey(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="protected_customers"
    )
    # The first order that served them (for the retailer's list: first name, city).
    first_order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    last_order_at = models.DateTimeField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_order_at"]

    def __str__(self) -> str:
        return f"customer #{self.pk} → {self.retailer_id}"


class ProtectionReassignment(models.Model):
    """Staff moved a protected customer (or an order's commission): who, why, when."""

    protection = models.ForeignKey(
        CustomerProtection, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_retailer = models.ForeignKey(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="+"
    )
    to_retailer = models.ForeignKey(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="earnings_reassign_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.from_retailer_id} → {self.to_retailer_id}: {self.reason}"


class PayoutAccount(models.Model):
    """A retailer's bank account for ACH payouts. Rows are never edited: a change adds
    a new row and stamps the old one `replaced_at`, so one current row per retailer.

    The account number is encrypted at rest (retailers/crypto.py, like the SSN/EIN)
    and shown only as its last four digits. The ABA routing number identifies a bank,
    not a person; it is kept in clear for the ACH file and shown masked too.
    """

    class AccountType(models.TextChoices):
        CHECKING = "checking", "Checking"
        SAVINGS = "savings", "Savings"

    retailer = models.ForeignKey(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="payout_accounts"
    )
    holder_name = models.CharField(max_length=22)  # NACHA's individual-name field
    routing_number = models.CharField(max_length=9)
    account_number_encrypted = models.TextField(editable=False)
    account_last4 = models.CharField(max_length=4, editable=False)
    account_type = models.CharField(max_length=10, choices=AccountType.choices)
    # Where the retailer was reached when this account was set: a later change is
    # announced to this address too (the "old address").
    notify_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Payouts to this account wait until then when it replaced another (takeover defence).
    payable_from = models.DateTimeField()
    replaced_at = models.DateTimeField(null=True, blank=True)
    # ACH: a zero-dollar prenote goes first; live credits follow in later runs.
    prenote_batch = models.ForeignKey(
        PayoutBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["retailer", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["retailer"],
                condition=Q(replaced_at__isnull=True),
                name="earnings_one_current_payout_account",
            ),
            models.CheckConstraint(
                condition=Q(routing_number__regex=r"^[0-9]{9}$"),
                name="earnings_payout_account_routing_digits",
            ),
            models.CheckConstraint(
                condition=Q(account_last4__regex=r"^[0-9]{1,4}$"),
                name="earnings_payout_account_last4_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_account_type_display()} {self.account_masked}"

    @property
    def account_masked(self) -> str:
        return f"••••{self.account_last4}"

    @property
    def routing_masked(self) -> str:
        return f"•••••{self.routing_number[-4:]}"


class ConnectAccount(models.Model):
    """A retailer's Stripe Connect Express account (the Connect payout rail).

    Only the gateway's ids and flags are kept: identity and bank details live at the
    gateway. `payouts_enabled` is what the gateway last reported (the back-office
    return page and `account.updated` webhooks read it back).
    """

    retailer = models.OneToOneField(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="connect_account"
    )
    account_id = models.CharField(max_length=80, unique=True)
    details_submitted = models.BooleanField(default=False, db_default=False)
    payouts_enabled = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.account_id} ({'payouts on' if self.payouts_enabled else 'onboarding'})"


class Form1099Export(models.Model):
    """One row per 1099-NEC export with full tax IDs: who, when, which year, how many.

    Append-only (the admin shows it read-only); the files themselves are not kept.
    """

    class Format(models.TextChoices):
        IRIS = "iris", "IRIS CSV (Taxpayer Portal upload)"
        FIRE = "fire", "FIRE fixed-width (Publication 1220)"
        CSV = "csv", "CSV for a filing service"

    year = models.PositiveSmallIntegerField()
    file_format = models.CharField(max_length=4, choices=Format.choices)
    recipients = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=14, decimal_places=2)
    test_file = models.BooleanField(default=False, db_default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Form 1099-NEC export"

    def __str__(self) -> str:
        return f"{self.year} {self.get_file_format_display()}: {self.recipients} recipients"
