"""Account writes: sign-up with a verification link, email verification and change,
password reset requests for shoppers, retailers and staff, order-status link revocation.

Every email is an outbox row (`email_enqueue`) written in the transaction of its
cause; secret links are made when it is rendered (`links.py`), never stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from orders.models import Order
from orders.services.accounts import shopper_account_create
from retailers.models import Retailer
from shopsocial.mail.addresses import email_normalise
from shopsocial.mail.links import email_links_spec
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_url

from .links import site_url
from .models import AccountEmail, OrderStatusLink
from .selectors import email_taken, guest_orders_for_email

User = get_user_model()

ADDRESS_TAKEN = "Another account already uses this email address."


def _key(prefix: str) -> str:
    """Dedupe key for an email the person asked for (each request is its own message)."""
    return f"{prefix}:{uuid.uuid4().hex}"


def _site_name(slug: str) -> str:
    if slug:
        retailer = Retailer.objects.filter(slug=slug).only("display_name").first()
        if retailer is not None:
            return retailer.display_name
    return settings.COMPANY["name"]


def _mask(email: str) -> str:
    """p***@example.com: enough for the owner to recognise, not to harvest."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def _record_for_update(user: AbstractBaseUser) -> AccountEmail:
    AccountEmail.objects.get_or_create(user_id=user.pk)
    return AccountEmail.objects.select_for_update().get(user_id=user.pk)


# --- Verified email ------------------------------------------------------------------
def _verification_enqueue(*, user: AbstractBaseUser, email: str, slug: str, change: bool):
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=email,
        template="account_email_verify",
        context={
            "privacy_url": company_url("/privacy/"),
            "full_name": user.get_full_name() or email,
            "site_name": _site_name(slug),
            "change": change,
            "days": settings.ACCOUNT_EMAIL_VERIFY_SECONDS // 86400,
            "resend_url": site_url(slug, "/account/email/"),
            "links": email_links_spec("accounts.email_verify", user_id=user.pk, slug=slug),
        },
        dedupe_key=_key(f"account:{user.pk}:verify"),
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
    _verification_enqueue(user=user, email=user.email, slug=slug, change=False)
    return user


@transaction.atomic
def account_email_verification_resend(*, user: AbstractBaseUser, slug: str = "") -> bool:
    """Send a fresh link for the address waiting to be proved (older links die). False: none."""
    record = _record_for_update(user)
    current = email_normalise(user.email)
    if not record.pending_email and current and record.verified_email != current:
        record.pending_email = current  # an account from before verification existed
    if not record.pending_email:
        return False
    record.pending_since = timezone.now()
    record.save(update_fields=["pending_email", "pending_since"])
    _verification_enqueue(
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
    record = _record_for_update(user)
    record.pending_email = new
    record.pending_since = timezone.now()
    record.save(update_fields=["pending_email", "pending_since"])
    _verification_enqueue(user=user, email=new, slug=slug, change=True)
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
                "privacy_url": company_url("/privacy/"),
                "full_name": user.get_full_name() or changed_from,
                "new_email_masked": _mask(email),
                "contact_url": company_url("/contact/"),
            },
            dedupe_key=_key(f"account:{user.pk}:email-changed"),
        )
    if joined:
        email_enqueue(
            kind=OutboundEmail.Kind.TRANSACTIONAL,
            to=email,
            template="account_orders_joined",
            context={
                "privacy_url": company_url("/privacy/"),
                "full_name": user.get_full_name() or email,
                "orders": [
                    {
                        "number": o.number,
                        "retailer_name": o.retailer.display_name,
                        "placed": o.created_at.date().isoformat(),
                    }
                    for o in joined
                ],
                "orders_url": site_url(slug, "/account/orders/") if slug else "",
            },
            dedupe_key=_key(f"account:{user.pk}:orders-joined"),
        )
    return EmailVerified(email=email, joined_orders=joined, changed_from=changed_from)


@transaction.atomic
def account_email_verify(*, user: AbstractBaseUser, slug: str = "") -> EmailVerified:
    """The verification link was used (the view checked its token): prove the pending address."""
    record = _record_for_update(user)
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
    record = _record_for_update(user)
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


# --- Password reset requests ----------------------------------------------------------
def _reset_enqueue(*, user, to: str, audience: str, slug: str, request_again_url: str) -> None:
    email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=to,
        template="account_password_reset",
        context={
            "privacy_url": company_url("/privacy/"),
            "full_name": user.get_full_name() or user.get_username(),
            "username": user.get_username() if audience != "shopper" else "",
            "audience": audience,
            "site_name": _site_name(slug),
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            "request_again_url": request_again_url,
            "links": email_links_spec(
                "accounts.password_reset", user_id=user.pk, audience=audience, slug=slug
            ),
        },
        dedupe_key=_key(f"account:{user.pk}:password-reset"),
    )


def _resettable(users):
    return [u for u in users if u.is_active and u.has_usable_password()]


@transaction.atomic
def shopper_password_reset_request(*, email: str, slug: str = "") -> int:
    """Email a reset link to the shopper account with this address. Returns how many
    were sent, which the caller never shows (the answer is the same either way)."""
    email = email_normalise(email)
    users = _resettable(
        User.objects.filter(email__iexact=email, is_staff=False, retailer__isnull=True)
    )
    for user in users:
        _reset_enqueue(
            user=user,
            to=user.email,
            audience="shopper",
            slug=slug,
            request_again_url=site_url(slug, "/account/password/reset/"),
        )
    return len(users)


@transaction.atomic
def retailer_password_reset_request(*, identifier: str) -> int:
    """By Retailer ID or username; the link goes to the email on file for the shop."""
    identifier = identifier.strip()
    if not identifier:
        return 0
    retailer = (
        Retailer.objects.filter(kind=Retailer.Kind.RETAILER, user__isnull=False)
        .filter(Q(retailer_number__iexact=identifier) | Q(user__username__iexact=identifier))
        .select_related("user")
        .first()
    )
    if retailer is None or not retailer.email or not _resettable([retailer.user]):
        return 0
    _reset_enqueue(
        user=retailer.user,
        to=retailer.email,
        audience="retailer",
        slug="",
        request_again_url=company_url("/backoffice/password-reset/"),
    )
    return 1


@transaction.atomic
def retailer_number_reminder_send(*, email: str) -> int:
    """ "Forgot my Retailer ID": the IDs of shops with this email on file, sent there."""
    email = email_normalise(email)
    retailers = list(
        Retailer.objects.filter(
            kind=Retailer.Kind.RETAILER, email__iexact=email, retailer_number__isnull=False
        ).order_by("retailer_number")
    )
    if not retailers:
        return 0
    email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=retailers[0].email,
        template="retailer_id_reminder",
        context={
            "privacy_url": company_url("/privacy/"),
            "shops": [
                {
                    "retailer_number": r.retailer_number,
                    "display_name": r.display_name,
                    "username": r.user.get_username() if r.user_id else "",
                }
                for r in retailers
            ],
            "signin_url": company_url("/backoffice/signin/"),
            "reset_url": company_url("/backoffice/password-reset/"),
        },
        dedupe_key=_key(f"retailer-id-reminder:{retailers[0].pk}"),
    )
    return len(retailers)


@transaction.atomic
def staff_password_reset_request(*, email: str) -> int:
    email = email_normalise(email)
    users = _resettable(User.objects.filter(email__iexact=email, is_staff=True))
    for user in users:
        _reset_enqueue(
            user=user,
            to=user.email,
            audience="staff",
            slug="",
            request_again_url=company_url("/admin/password_reset/"),
        )
    return len(users)


def account_password_changed_notify(*, user: AbstractBaseUser, to: str | None = None) -> None:
    """Tell the person their password changed (a reset or a change they did not make shows)."""
    address = to or user.email
    if not address:
        return
    email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=address,
        template="account_password_changed",
        context={
            "privacy_url": company_url("/privacy/"),
            "full_name": user.get_full_name() or user.get_username(),
            "contact_url": company_url("/contact/"),
        },
        dedupe_key=_key(f"account:{user.pk}:password-changed"),
    )


# --- Order status links ----------------------------------------------------------------
@transaction.atomic
def order_status_links_revoke(*, order: Order, actor: str) -> OrderStatusLink:
    """Every status link made so far for this order stops working; new ones use the next version."""
    link, _ = OrderStatusLink.objects.get_or_create(order=order)
    OrderStatusLink.objects.filter(pk=link.pk).update(
        version=F("version") + 1, revoked_at=timezone.now(), revoked_by=actor[:150]
    )
    link.refresh_from_db()
    return link
