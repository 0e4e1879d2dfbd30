"""Support carries out a shopper's change request on their account (issue 30 item 10)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from shopsocial.mail.addresses import email_normalise

from ..models import AccountCorrection
from .email import account_email_change_request


@transaction.atomic
def shopper_account_correct(
    *, user_id: int, actor: str, reason: str, first_name: str, last_name: str, email: str
) -> list[str]:
    """Correct a shopper's name at once; a new email goes through the confirmation flow.

    The new address gets the usual confirmation link and nothing changes until it is
    used, so a typed address cannot take an account over. One audit row names the staff
    member, the fields (never the values) and the reason. Returns what changed.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why (the ticket or call reference).")
    user = (
        get_user_model()
        .objects.select_for_update(of=("self",))
        .get(pk=user_id, is_staff=False, is_superuser=False, retailer__isnull=True)
    )
    changed = []
    for name, value in (("first_name", first_name.strip()), ("last_name", last_name.strip())):
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if changed:
        user.save(update_fields=changed)
    if email.strip() and email_normalise(email) != email_normalise(user.email):
        account_email_change_request(user=user, new_email=email)
        changed.append("email (waits for the new address to confirm)")
    if changed:
        AccountCorrection.objects.create(
            user=user, actor=actor, fields=", ".join(changed)[:200], reason=reason[:255]
        )
    return changed
