"""Marketing email (public schema): subscribers, consent, campaigns, suppression, survey.

Every row here is company-wide: campaign sends and the suppression check are single
queries, never a fan-out over retailer schemas.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from shopsocial.mail.addresses import email_normalise


class Subscriber(models.Model):
    """One email address on the newsletter list (one row however many storefronts)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(unique=True, help_text="Normalised: trimmed, lowercase.")
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Subscriber #{self.pk} ({self.status})"


class Subscription(models.Model):
    """A subscriber's sign-up on one site: the company site or a retailer's storefront."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    retailer = models.ForeignKey(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="newsletter_subscriptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "retailer"], name="marketing_subscription_once_per_site"
            )
        ]
        indexes = [models.Index(fields=["retailer", "confirmed_at"])]

    def __str__(self) -> str:
        return f"Subscription #{self.pk}"


class ConsentRecord(models.Model):
    """Evidence of consent and of its withdrawal: when, where, and the words shown."""

    class Action(models.TextChoices):
        SIGNED_UP = "signed_up", "Signed up (waiting for confirmation)"
        CONFIRMED = "confirmed", "Confirmed by the link in the email"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    retailer = models.ForeignKey(
        "retailers.Retailer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=14, choices=Action.choices)
    consent_text = models.TextField(blank=True)
    host = models.CharField(max_length=255, blank=True)
    path = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class Suppression(models.Model):
    """The one global do-not-mail list for marketing, shared by the company and all retailers.

    Checked when each marketing message is sent. Transactional and legal mail ignore it.
    """

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        HARD_BOUNCE = "hard_bounce", "Hard bounce"
        COMPLAINT = "complaint", "Spam complaint"
        MANUAL = "manual", "Added by staff"

    email = models.EmailField(unique=True, help_text="Normalised: trimmed, lowercase.")
    reason = models.CharField(max_length=14, choices=Reason.choices)
    source = models.CharField(max_length=60, blank=True, help_text="e.g. one-click, postmark")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Suppression #{self.pk} ({self.reason})"

    def save(self, *args, **kwargs):
        self.email = email_normalise(self.email)
        super().save(*args, **kwargs)


class TrackingEvent(models.Model):
    """An ESP tracking event we have processed (so each is processed once). No address kept."""

    esp = models.CharField(max_length=30)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=30)
    suppressed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["esp", "event_id"], name="marketing_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.esp} {self.event_type} {self.event_id}"


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        PAUSED = "paused", "Paused"
        SENT = "sent", "Sent"

    class Audience(models.TextChoices):
        ALL = "all", "All confirmed subscribers"
        RETAILERS = "retailers", "Subscribers of the chosen retailers"

    name = models.CharField(max_length=120, help_text="Internal name; never shown to recipients.")
    subject = models.CharField(
        max_length=150, help_text="Must describe the content honestly (CAN-SPAM)."
    )
    body_html = models.TextField(
        help_text=(
            "HTML body (Django template). Available: {{ retailer_name }}, {{ company.name }}. "
            "The Advertisement label, postal address and unsubscribe link are added for you."
        )
    )
    body_text = models.TextField(help_text="Plain-text body (same variables).")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.ALL)
    retailers = models.ManyToManyField(
        "retailers.Retailer", blank=True, related_name="+", help_text="For the retailers audience."
    )
    send_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty to send when started."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def sender_name(self) -> str:
        """Honest From: always the company, never typed by staff."""
        return settings.COMPANY["name"]


class CampaignRecipient(models.Model):
    """One (campaign, subscriber) delivery. Unique: a recipient is sent a campaign at most once.

    PENDING -> SENDING (claimed and committed before the send) -> SENT / SUPPRESSED /
    FAILED. A row left SENDING by a dead worker becomes INTERRUPTED and is never resent,
    since the provider may already have accepted it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SUPPRESSED = "suppressed", "Skipped: suppressed"
        FAILED = "failed", "Failed"
        INTERRUPTED = "interrupted", "Interrupted (worker died; not resent)"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    # The storefront the subscriber signed up on: {{ retailer_name }} in the body.
    retailer = models.ForeignKey(
        "retailers.Retailer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subscriber"], name="marketing_recipient_once"
            )
        ]
        # Claims scan (campaign, status='pending', id in a chunk's range) in id order.
        indexes = [models.Index(fields=["campaign", "status", "id"])]

    def __str__(self) -> str:
        return f"Recipient #{self.pk} ({self.status})"


class SurveyResponse(models.Model):
    """Post-purchase survey answer. Anonymous unless the shopper allowed contact.

    `order_digest` (a keyed hash of the order) allows one answer per order without
    linking it; `order` is kept only when the shopper ticked "you may contact me".
    """

    order_digest = models.CharField(max_length=64, unique=True)
    order = models.OneToOneField(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_response",
    )
    retailer = models.ForeignKey(
        "retailers.Retailer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    may_contact = models.BooleanField(default=False)
    answered_on = models.DateField()

    class Meta:
        ordering = ["-answered_on", "-pk"]

    def __str__(self) -> str:
        return f"Survey answer #{self.pk}: {self.rating}/5"


class CheckoutReminder(models.Model):
    """Abandoned-checkout reminder (issue 28 item 6): one row per checkout started by a
    signed-in shopper, written when the payment page opens.

    A DNT/GPC session is recorded here as SKIPPED at checkout time, so no later run can
    email it. A new checkout by the same shopper supersedes the earlier one, so a cart
    gets at most one email. Paying cancels it. The send re-checks the marketing opt-in
    and the suppression list (privacy/marketing/services/reminders.py).
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENT = "sent", "Sent"
        CANCELED = "canceled", "Canceled"
        SKIPPED = "skipped", "Never sent (DNT/GPC or no opt-in at checkout)"

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="checkout_reminder"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkout_reminders"
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.SCHEDULED,
        db_default=Status.SCHEDULED,
    )
    # The privacy signal the checkout request carried (Do Not Track, Global Privacy Control).
    dnt = models.BooleanField(default=False, db_default=False)
    gpc = models.BooleanField(default=False, db_default=False)
    reason = models.CharField(max_length=40, blank=True, db_default="")
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="checkout_reminder_due_idx",
                condition=models.Q(status="scheduled"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(dnt=False, gpc=False),
                name="checkout_reminder_never_for_dnt_gpc",
            )
        ]

    def __str__(self) -> str:
        return f"Checkout reminder #{self.pk} ({self.status})"
