"""Shopper accounts: one django.contrib.auth User, valid on every storefront."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction


@transaction.atomic
def shopper_account_create(*, email: str, full_name: str, password: str):
    """The username is the lower-cased email (unique), so it works on any storefront."""
    User = get_user_model()
    first, _, last = full_name.strip().partition(" ")
    user = User(
        username=email.strip().lower(),
        email=email.strip().lower(),
        first_name=first[:150],
        last_name=last[:150],
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
