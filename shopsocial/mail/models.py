from django.db import models


class OutboundEmail(models.Model):
    """One email we mean to send. Written in the same transaction as its cause.

    `dedupe_key` makes "send the order confirmation for order 42" a single row no
    matter how often the cause is replayed; a row is sent at most once.
    """

    class Kind(models.TextChoices):
        TRANSACTIONAL = "transactional", "Transactional (orders, account)"
        MARKETING = "marketing", "Marketing"
        LEGAL = "legal", "Required by law (breach notices)"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SUPPRESSED = "suppressed", "Skipped: address suppressed"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    dedupe_key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    template = models.CharField(max_length=100)
    context = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    esp_message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk} ({self.status})"
