"""Account reads: which address an account has proved, and bearer-link lookups."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from orders.models import Order
from shopsocial.mail.addresses import email_normalise
from shopsocial.urls_util import storefront_path

from .models import AccountEmail, OrderStatusLink
from .tokens import order_status_token_make, order_status_token_read


def account_email_get(*, user: AbstractBaseUser) -> AccountEmail | None:
    if not getattr(user, "pk", None):
        return None
    return AccountEmail.objects.filter(user_id=user.pk).first()


def email_verified_for_user(*, user: AbstractBaseUser) -> str:
    """The account's address if, and only if, the account has proved it; else ""."""
    email = email_normalise(getattr(user, "email", ""))
    if not email:
        return ""
    record = account_email_get(user=user)
    if record is None or record.verified_email != email:
        return ""
    return email


def emails_verified_for_user(*, user: AbstractBaseUser) -> set[str]:
    """The matching rule: the addresses by which records may be matched to this account."""
    email = email_verified_for_user(user=user)
    return {email} if email else set()


def email_taken(*, email: str, exclude_user_id: int | None = None) -> bool:
    """Another account uses this address (as its address or its username) or has proved it."""
    email = email_normalise(email)
    users = get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
    proved = AccountEmail.objects.filter(verified_email=email)
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
        proved = proved.exclude(user_id=exclude_user_id)
    return users.exists() or proved.exists()


def guest_orders_for_email(*, email: str) -> QuerySet[Order]:
    """Orders placed without an account under this address (to join on verification)."""
    email = email_normalise(email)
    if not email:
        return Order.objects.none()
    return Order.objects.filter(customer__isnull=True, email__iexact=email)


# --- Order status links ------------------------------------------------------------
def order_status_version(*, order_id: int) -> int:
    link = OrderStatusLink.objects.filter(order_id=order_id).only("version").first()
    return link.version if link else 1


def order_status_path(*, order: Order) -> str:
    token = order_status_token_make(
        order_id=order.pk, version=order_status_version(order_id=order.pk)
    )
    return storefront_path("orders:order-status", token)


def order_status_url(*, order: Order) -> str:
    """The absolute link, on the storefront that took the order (from settings, not a Host)."""
    return order.retailer.storefront_url(order_status_path(order=order))


def order_for_status_token(*, token: str, retailer) -> Order | None:
    """The order a status link names, if the link is current and on that order's storefront."""
    parsed = order_status_token_read(token)
    if parsed is None:
        return None
    order_id, version = parsed
    order = (
        Order.objects.filter(pk=order_id, retailer=retailer)
        .select_related("retailer")
        .prefetch_related("lines", "events")
        .first()
    )
    if order is None or version != order_status_version(order_id=order.pk):
        return None
    return order


# --- hardening (issue 30 item 4) ---------------------------------------------------------
def order_email_proved_by_link(*, order_id: int, email: str) -> bool:
    """The order's own emailed link was used to prove this (normalised) address."""
    from .models import OrderEmailProof

    return OrderEmailProof.objects.filter(order_id=order_id, email=email).exists()
