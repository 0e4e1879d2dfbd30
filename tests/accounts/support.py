"""Helpers for tests that need an account whose address is (or is not) verified."""

from __future__ import annotations

from django.utils import timezone

from orders.accounts.models import AccountEmail
from shopsocial.mail.addresses import email_normalise


def email_verified_set(user) -> AccountEmail:
    """Record that `user` has proved their current address (as the link would)."""
    record, _ = AccountEmail.objects.update_or_create(
        user=user,
        defaults={
            "verified_email": email_normalise(user.email),
            "verified_at": timezone.now(),
            "pending_email": "",
            "pending_since": None,
        },
    )
    return record
