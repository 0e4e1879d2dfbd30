"""Privacy registers (public schema): policy versions, tickets, breach incidents."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from shopsocial.invalidation import InvalidatingQuerySet
from shopsocial.storage import private_storage_get


class PolicyVersion(models.Model):
    """One version of the privacy policy. Published versions are never edited."""

    version = models.CharField(max_length=20, unique=True, help_text='e.g. "1.0", "2026-12"')
    effective_date = models.DateField()
    text = models.TextField(help_text="Plain text; blank lines separate paragraphs.")
    summary_of_changes = models.TextField(
        help_text="What changed since the previous version, in plain language."
    )
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_date", "-published_at", "-pk"]

    def __str__(self) -> str:
        return f"Privacy policy {self.version} (effective {self.effective_date})"


class Ticket(models.Model):
    """A request opened from /contact/: the shopper reaches it by a secret link only."""

    class Topic(models.TextChoices):
        CHANGE_INFO = "change_info", "Change my personal information"
        COPY_OF_DATA = "copy_of_data", "See a copy of my data"
        DELETE_DATA = "delete_data", "Delete my data"
        STOP_MARKETING = "stop_marketing", "Stop marketing email"
        ORDER = "order", "Order question"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open: waiting for staff"
        ANSWERED = "answered", "Answered: waiting for the customer"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=12, unique=True)
    # The secret link is an HMAC (SECRET_KEY) of the reference and this salt: the
    # link itself is never stored, yet staff replies can carry it again.
    secret_salt = models.CharField(max_length=64)
    topic = models.CharField(max_length=20, choices=Topic.choices)
    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    order_number = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        limit_choices_to={"is_staff": True},
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        help_text="The signed-in person who opened it, if any.",
    )
    # Where it was opened: links in email go back to the same site.
    opened_on = models.ForeignKey(
        "retailers.Retailer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_topic_display()}"


# General questions first: the form opens on "Order question", never on a privacy request
# (issue 28); the privacy topics follow.
CONTACT_TOPICS = [
    (value, label)
    for first in (True, False)
    for value, label in Ticket.Topic.choices
    if (value in (Ticket.Topic.ORDER, Ticket.Topic.OTHER)) == first
]


class TicketMessage(models.Model):
    class Author(models.TextChoices):
        CUSTOMER = "customer", "Customer"
        STAFF = "staff", "Staff"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket.reference} · {self.author} · {self.created_at:%Y-%m-%d %H:%M}"


class DataErasure(models.Model):
    """Proof that an account's personal data was erased: no personal data in it."""

    user_id = models.PositiveBigIntegerField(db_index=True)
    orders_anonymised = models.PositiveIntegerField(default=0)
    tickets_erased = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Erasure of account #{self.user_id} on {self.created_at:%Y-%m-%d}"


def breach_list_upload_to(instance: BreachIncident, filename: str) -> str:
    """A random name in the private store: the uploader's file name may carry personal data."""
    suffix = ".csv" if filename.lower().endswith(".csv") else ".txt"
    return f"breach-lists/{uuid.uuid4().hex}{suffix}"


class BreachIncident(models.Model):
    class Scope(models.TextChoices):
        ALL_SHOPPERS = "all_shoppers", "All shoppers"
        ALL_RETAILERS = "all_retailers", "All retailers"
        SELECTED_RETAILERS = "selected_retailers", "Selected retailers"
        ORDER_DATE_RANGE = "order_date_range", "Shoppers of orders in a date range"
        EMAIL_LIST = "email_list", "An uploaded list of email addresses"

    title = models.CharField(max_length=120)
    discovered_at = models.DateTimeField()
    description = models.TextField(
        help_text="What happened, in plain language (goes in the notice)."
    )
    data_involved = models.TextField(help_text="Which kinds of personal data were involved.")
    scope = models.CharField(max_length=20, choices=Scope.choices)
    selected_retailers = models.ManyToManyField("retailers.Retailer", blank=True, related_name="+")
    orders_from = models.DateField(null=True, blank=True)
    orders_to = models.DateField(null=True, blank=True)
    email_list = models.FileField(
        upload_to=breach_list_upload_to,
        storage=private_storage_get,  # never under MEDIA_ROOT or /media/
        blank=True,
        help_text="A text or CSV file: one email address per line (first column).",
    )
    law_enforcement_hold = models.BooleanField(
        default=False,
        help_text="Law enforcement asked us to delay notice. Notify is refused while set.",
    )
    law_enforcement_note = models.TextField(blank=True)
    notify_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["-discovered_at"]

    def __str__(self) -> str:
        return self.title


class BreachNotification(models.Model):
    """One affected person (one normalised email address) of one incident."""

    incident = models.ForeignKey(
        BreachIncident, on_delete=models.PROTECT, related_name="notifications"
    )
    email = models.EmailField(max_length=254)
    email_message = models.OneToOneField(
        "mail.OutboundEmail", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Send failures so far (the email row is retried until it goes out).
    failed_attempts = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvalidatingQuerySet.as_manager()  # writes: shopsocial/invalidation.py

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "email"], name="breachnotification_one_per_email"
            )
        ]
        indexes = [models.Index(fields=["email"], name="breachnotif_email_idx")]

    def __str__(self) -> str:
        return f"Notice #{self.pk} of incident {self.incident_id}"
