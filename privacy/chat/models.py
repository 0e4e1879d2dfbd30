"""Live chat (public schema). A chat is a live view of one ticket: its messages are
the ticket's `TicketMessage` rows, so chat transcripts are handled, audited, exported
and erased exactly like tickets. The chat row adds only the live state; the person's
name and email stay on the ticket (referenced, never copied)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

# An agent whose socket has not been seen for this long is no longer present.
PRESENCE_STALE_AFTER = timedelta(seconds=90)


def chat_token_hash(token: str) -> str:
    """What a Chat stores of the shopper's token (services write it, selectors look it up)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Chat(models.Model):
    class Kind(models.TextChoices):
        SHOPPER = "shopper", "Shopper (customer service)"
        RETAILER = "retailer", "Retailer (Retailer Services)"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for an agent"
        ACTIVE = "active", "With an agent"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", "Resolved in chat (ticket closed)"
        FOLLOW_UP = "follow_up", "Needs follow-up (ticket stays open)"
        LEFT_MESSAGE = "left_message", "Left as a message (ticket stays open)"
        ABANDONED = "abandoned", "Person left before an answer"

    ticket = models.OneToOneField("privacy.Ticket", on_delete=models.CASCADE, related_name="chat")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SHOPPER)
    # The storefront (or the company site) the chat was started on.
    storefront = models.ForeignKey("retailers.Retailer", on_delete=models.PROTECT, related_name="+")
    # For Retailer Services chats: the signed-in retailer asking.
    retailer = models.ForeignKey(
        "retailers.Retailer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # sha256 of the bearer token held by the person's page (the token itself is never stored).
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chats_answered",
    )
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    transcript_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("answer_chat", "Can answer live chats in the support console")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(agent__isnull=False) | Q(status="closed"),
                name="chat_active_has_agent",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""),
                name="chat_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(kind="shopper") | Q(retailer__isnull=False),
                name="chat_retailer_kind_names_retailer",
            ),
        ]

    def __str__(self) -> str:
        return f"Chat #{self.pk} ({self.get_status_display()})"

    @property
    def group_name(self) -> str:
        """The channel-layer group of this chat's sockets (the person's and the agent's)."""
        return f"chat.{self.pk}"


class CannedReply(models.Model):
    """A ready-made answer staff insert in the console (edited in the admin)."""

    title = models.CharField(max_length=80)
    body = models.TextField(max_length=2000)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "title"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title


class AgentPresence(models.Model):
    """One open staff console socket. No row (or only stale ones) = no agent online."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.user} online"
