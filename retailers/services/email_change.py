"""A retailer's email changes only after the new address confirms (issue 30 item 3).

The email is the key to the back office (password resets go there), so whoever asks
for a change (the retailer, or Support in the admin) only starts it:

1. `retailer_email_change_request`: a pending row; a link to the new address; the old
   address is told who asked and what to do if it was not them. Audited with the real
   actor.
2. `retailer_email_change_confirm`: the link is used by the retailer, signed in to the
   back office (so Support typing an address they control cannot finish it: the
   password reset still goes to the old address until the change is confirmed). The
   retailer's and the login's email change; the old address is told; audited naming
   who asked.
3. `retailer_password_changed_notify`: every password change or reset is mailed to the
   current address and to addresses replaced in the last 30 days.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shopsocial.mail.addresses import email_normalise
from shopsocial.mail.links import email_link_builder, email_links_spec
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_reverse

from ..models import Retailer, RetailerAuditEvent, RetailerEmailChange

User = get_user_model()

TOKEN_SALT = "retailers.email-change"
OLD_ADDRESS_TOLD_DAYS = 30


def _audit(*, retailer: Retailer, actor: AbstractBaseUser | None, detail: str) -> None:
    # Written here, not through account.py's helper: account imports this module.
    RetailerAuditEvent.objects.create(
        retailer=retailer,
        actor=actor,
        action=RetailerAuditEvent.Action.CONTACT_UPDATED,
        detail=detail[:255],
    )


def _mask(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def _who(actor: AbstractBaseUser | None, retailer: Retailer) -> str:
    if actor is not None and actor.pk == retailer.user_id:
        return "you"
    return "our Retailer Services team"


def email_change_token(change_id: int) -> str:
    return signing.dumps({"c": change_id}, salt=TOKEN_SALT)


def email_change_from_token(token: str) -> RetailerEmailChange | None:
    """The pending change a link names, or None (bad, expired, used, or superseded)."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=settings.ACCOUNT_EMAIL_VERIFY_SECONDS)
    except signing.BadSignature:
        return None
    change = RetailerEmailChange.objects.filter(pk=data.get("c")).first()
    if change is None or change.confirmed_at is not None:
        return None
    latest = RetailerEmailChange.objects.filter(retailer_id=change.retailer_id).first()
    return change if latest == change else None


@email_link_builder("retailers.email_change")
def email_change_links(*, change_id: int) -> dict[str, str]:
    return {
        "confirm_url": company_reverse(
            "retailers:backoffice-email-confirm", email_change_token(change_id)
        )
    }


def _enqueue(*, to: str, template: str, context: dict, key: str) -> None:
    email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=to,
        template=template,
        context={
            "privacy_url": company_reverse("privacy:policy"),
            "contact_url": company_reverse("privacy:contact"),
            **context,
        },
        dedupe_key=f"{key}:{uuid.uuid4().hex}",
    )


@transaction.atomic
def retailer_email_change_request(
    *, retailer: Retailer, actor: AbstractBaseUser | None, new_email: str
) -> RetailerEmailChange | None:
    """Start a change of `retailer`'s email; nothing changes until the new address confirms.

    Returns None when `new_email` is already the retailer's address.
    """
    retailer = Retailer.objects.select_for_update().get(pk=retailer.pk)
    new = email_normalise(new_email)
    if new == email_normalise(retailer.email):
        return None
    if Retailer.objects.filter(email__iexact=new).exclude(pk=retailer.pk).exists():
        raise ValidationError({"email": "A retailer with this email address already exists."})
    change = RetailerEmailChange.objects.create(
        retailer=retailer, old_email=retailer.email, new_email=new, requested_by=actor
    )
    days = settings.ACCOUNT_EMAIL_VERIFY_SECONDS // 86400
    _enqueue(
        to=new,
        template="retailer_email_change_confirm",
        context={
            "full_name": retailer.legal_name or retailer.display_name,
            "who": _who(actor, retailer),
            "days": days,
            "links": email_links_spec("retailers.email_change", change_id=change.pk),
        },
        key=f"retailer:{retailer.pk}:email-change-confirm",
    )
    if retailer.email:
        _enqueue(
            to=retailer.email,
            template="retailer_email_change_requested",
            context={
                "full_name": retailer.legal_name or retailer.display_name,
                "who": _who(actor, retailer),
                "new_email_masked": _mask(new),
                "days": days,
            },
            key=f"retailer:{retailer.pk}:email-change-requested",
        )
    _audit(
        retailer=retailer,
        actor=actor,
        detail="email change requested (waits for the new address to confirm)",
    )
    return change


@transaction.atomic
def retailer_email_change_confirm(
    *, change: RetailerEmailChange, user: AbstractBaseUser
) -> Retailer:
    """The retailer, signed in as `user`, used the link sent to the new address."""
    change = RetailerEmailChange.objects.select_for_update().get(pk=change.pk)
    retailer = Retailer.objects.select_for_update().get(pk=change.retailer_id)
    if retailer.user_id != user.pk:
        raise ValidationError("Sign in as the retailer whose address this is.")
    if change.confirmed_at is not None:
        raise ValidationError("This link has already been used.")
    if Retailer.objects.filter(email__iexact=change.new_email).exclude(pk=retailer.pk).exists():
        raise ValidationError("A retailer with this email address already exists.")
    previous = retailer.email
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    retailer.email = change.new_email
    retailer.save(update_fields=["email", "updated_at"])
    User.objects.filter(pk=retailer.user_id).update(email=retailer.email)
    if previous:
        _enqueue(
            to=previous,
            template="retailer_email_changed",
            context={
                "full_name": retailer.legal_name or retailer.display_name,
                "new_email_masked": _mask(change.new_email),
            },
            key=f"retailer:{retailer.pk}:email-changed",
        )
    _audit(
        retailer=retailer,
        actor=change.requested_by,
        detail="email (confirmed by the new address)",
    )
    return retailer


def retailer_password_changed_notify(
    *, retailer: Retailer, include_current: bool = True
) -> list[str]:
    """Mail a password change to the current address and to those replaced lately.

    `include_current=False` when the caller already told the current address.
    """
    since = timezone.now() - timedelta(days=OLD_ADDRESS_TOLD_DAYS)
    recent_old = RetailerEmailChange.objects.filter(
        retailer=retailer, confirmed_at__gte=since
    ).values_list("old_email", flat=True)
    addresses: list[str] = []
    current = email_normalise(retailer.email) if retailer.email else ""
    for address in [current, *map(email_normalise, recent_old)]:
        if address and address not in addresses:
            addresses.append(address)
    if not include_current and current in addresses:
        addresses.remove(current)
    for address in addresses:
        _enqueue(
            to=address,
            template="retailer_password_changed",
            context={"full_name": retailer.legal_name or retailer.display_name},
            key=f"retailer:{retailer.pk}:password-changed",
        )
    return addresses
