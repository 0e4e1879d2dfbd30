"""What the account services share: dedupe keys, site names, masked addresses, row locks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from retailers.models import Retailer

from ..models import AccountEmail

ADDRESS_TAKEN = "Another account already uses this email address."


def email_dedupe_key(prefix: str) -> str:
    """Dedupe key for an email the person asked for (each request is its own message)."""
    return f"{prefix}:{uuid.uuid4().hex}"


def site_name_for(slug: str) -> str:
    if slug:
        retailer = Retailer.objects.filter(slug=slug).only("display_name").first()
        if retailer is not None:
            return retailer.display_name
    return settings.COMPANY["name"]


def email_mask(email: str) -> str:
    """p***@example.com: enough for the owner to recognise, not to harvest."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def account_email_for_update(user: AbstractBaseUser) -> AccountEmail:
    AccountEmail.objects.get_or_create(user_id=user.pk)
    return AccountEmail.objects.select_for_update().get(user_id=user.pk)
