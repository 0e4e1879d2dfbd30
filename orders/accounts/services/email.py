"""Verified email: sign-up with a verification link, resend, change, verify (guest orders
join; the old address is told), a completed reset as proof, and My data's export/erasure."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.models import Order
from orders.services.accounts import shopper_account_create
from shopsocial.mail.addresses import email_normalise
from shopsocial.mail.links import email_links_spec
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_reverse, shared_path, storefront_path

from ..links import site_url
from ..models import AccountEmail
from ..selectors import email_taken, guest_orders_for_email
from .common import (
    ADDRESS_TAKEN,
    account_email_for_update,
    email_dedupe_key,
    email_mask,
    site_name_for,
)

User = get_user_model()


# --- Verified email ------------------------------------------------------------------
def verification_email_enqueue(*, user: AbstractBaseUser, email: str, slug: str, change: bool):
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=email,
        template="account_email_verify",
        context={
            "privacy_url": company_reverse("privacy:policy"),
            "full_name": user.get_full_name() or email,
            "site_name": site_name_for(slug),
            "change": change,
            "days": settings.ACCOUNT_EMAIL_VERIFY_SECONDS // 86400,
            "resend_url": site_url(slug, shared_path("orders:account-email")),
            "links": email_links_spec("accounts.email_verify", user_id=user.pk, slug=slug),
        },
        dedupe_key=email_dedupe_key(f"account:{user.pk}:verify"),
    )


@transaction.atomic
def shopper_signup(*, email: str, full_name: str, password: str, slug: str = ""):
    """Create the shopper's account and send the link that proves their address.

    Until it is used the account is matched to nothing by email address.
    """
    user = shopper_account_create(email=email, full_name=full_name, password=password)
    AccountEmail.objects.create(
        user=user, pending_email=email_normalise(user.email), pending_since=timezone.now()
    )
    verification_email_enqueue(user=user, email=user.email, slug=slug, change=False)
    return user


SIGNUP_TAKEN_HOURLY_KEY = "account:signup-taken:{email}:{hour}"


@transaction.atomic
def shopper_signup_or_notify(*, email: str, full_name: str, password: str, slug: str = "") -> None:
    """Sign-up that does not tell whether the address has an account (issue 30 item 11).

    A new address: the account is created and the link that proves the address is sent.
    An address that already belongs to (or was proved by) an account: nothing is created
    and its owner is told someone tried to sign up with it (at most once an hour). The
    caller answers the same either way; the password is hashed either way, so the time
    taken does not tell either.
    """
    from django.contrib.auth.hashers import make_password

    email = email_normalise(email)
    if not email_taken(email=email):
        shopper_signup(email=email, full_name=full_name, password=password, slug=slug)
        return
    make_password(password)  # the same work as creating the account
    email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=email,
        template="account_signup_taken",
        context={
            "privacy_url": company_reverse("privacy:policy"),
            "site_name": site_name_for(slug),
            "login_url": site_url(slug, shared_path("orders:account-login")),
            "reset_url": site_url(slug, shared_path("orders:account-password-reset")),
            "contact_url": company_reverse("privacy:contact"),
        },
        dedupe_key=SIGNUP_TAKEN_HOURLY_KEY.format(
            email=email, hour=timezone.now().strftime("%Y%m%d%H")
        ),
    )


@transaction.atomic
def account_email_verification_resend(*, user: AbstractBaseUser, slug: str = "") -> bool:
    """Send a fresh link for the address waiting to be proved (older links die). False: none."""
    record = account_email_for_update(user)
    current = email_normalise(user.email)
    if not record.pending_email and current and record.verified_email != current:
        record.pending_email = current  # an account from before verification existed
    if not record.pending_email:
        return False
    record.pending_since = timezone.now()
    record.save(update_fields=["pending_email", "pending_since"])
    verification_email_enqueue(
        user=user,
        email=record.pending_email,
        slug=slug,
        change=record.pending_email != current,
    )
    return True


@transaction.atomic
def account_email_change_request(
    *, user: AbstractBaseUser, new_email: str, slug: str = ""
) -> AccountEmail:
    """Ask to move the account to `new_email`: nothing changes until its link is used."""
    new = email_normalise(new_email)
    if new == email_normalise(user.email):
        raise ValidationError({"email": "That is already your email address."})
    if email_taken(email=new, exclude_user_id=user.pk):
        raise ValidationError({"email": ADDRESS_TAKEN})
    record = account_email_for_update(user)
    record.pending_email = new
    record.pending_since = timezone.now()
    record.save(update_fields=["pending_email", "pending_since"])
    verification_email_enqueue(user=user, email=new, slug=slug, change=True)
    return record


@dataclass(frozen=True)
class EmailVerified:
    email: str
    joined_orders: list[Order]
    changed_from: str  # the previous address when this was a change, else ""


def _prove(*, user: AbstractBaseUser, record: AccountEmail, email: str, slug: str) -> EmailVerified:
    """Make `email` the account's proved address, join its guest orders, tell the person."""
    if email_taken(email=email, exclude_user_id=user.pk):
        raise ValidationError(ADDRESS_TAKEN)
    previous = email_normalise(user.email)
    now = timezone.now()
    record.verified_email = email
    record.verified_at = now
    if record.pending_email == email:
        record.pending_email = ""
        record.pending_since = None
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:  # proved by another account at the same moment
        raise ValidationError(ADDRESS_TAKEN) from exc
    fields = []
    if user.email != email:
        if email_normalise(user.get_username()) == previous:
            user.username = email  # shoppers sign in with their address
            fields.append("username")
        user.email = email
        fields.append("email")
    if fields:
        user.save(update_fields=fields)
    joined = list(
        guest_orders_for_email(email=email)
        .select_for_update()
        .select_related("retailer")
        .order_by("created_at")
    )
    Order.objects.filter(pk__in=[o.pk for o in joined]).update(customer=user)
    changed_from = previous if previous and previous != email else ""
    if changed_from:
        email_enqueue(
            kind=OutboundEmail.Kind.TRANSACTIONAL,
            to=changed_from,
            template="account_email_changed",
            context={
                "privacy_url": company_reverse("privacy:policy"),
                "full_name": user.get_full_name() or changed_from,
                "new_email_masked": email_mask(email),
                "contact_url": company_reverse("privacy:contact"),
            },
            dedupe_key=email_dedupe_key(f"account:{user.pk}:email-changed"),
        )
    if joined:
        email_enqueue(
            kind=OutboundEmail.Kind.TRANSACTIONAL,
            to=email,
            template="account_orders_joined",
            context={
                "privacy_url": company_reverse("privacy:policy"),
                "full_name": user.get_full_name() or email,
                "orders": [
                    {
                        "number": o.number,
                        "retailer_name": o.retailer.display_name,
                        "placed": o.created_at.date().isoformat(),
                    }
                    for o in joined
                ],
                "orders_url": site_url(slug, storefront_path("orders:account-orders"))
                if slug
                else "",
            },
            dedupe_key=email_dedupe_key(f"account:{user.pk}:orders-joined"),
        )
    return EmailVerified(email=email, joined_orders=joined, changed_from=changed_from)


@transaction.atomic
def account_email_verify(*, user: AbstractBaseUser, slug: str = "") -> EmailVerified:
    """The verification link was used (the view checked its token): prove the pending address."""
    record = account_email_for_update(user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not record.pending_email:
        raise ValidationError("This link has already been used.")
    return _prove(user=user, record=record, email=record.pending_email, slug=slug)


@transaction.atomic
def account_email_proved_by_reset(
    *, user: AbstractBaseUser, slug: str = ""
) -> EmailVerified | None:
    """A password reset link, sent to the account's address, was used: that proves it too.

    (So the real owner of an address someone else signed up with takes the account over.)
    """
    record = account_email_for_update(user)
    user = User.objects.select_for_update().get(pk=user.pk)
    email = email_normalise(user.email)
    if not email or record.verified_email == email:
        return None
    try:
        return _prove(user=user, record=record, email=email, slug=slug)
    except ValidationError:
        return None


def account_email_export(user: AbstractBaseUser, emails: set[str]) -> dict:
    record = AccountEmail.objects.filter(user_id=user.pk).first()
    if record is None:
        return {}
    return {
        "verified_email": record.verified_email,
        "verified_at": record.verified_at,
        "pending_email": record.pending_email,
        "pending_since": record.pending_since,
    }


def account_email_forget(user: AbstractBaseUser, emails: set[str]) -> int:
    """Erasure: the proved and pending addresses go with the rest (the address is then free)."""
    deleted, _ = AccountEmail.objects.filter(user_id=user.pk).delete()
    return deleted
