"""Password reset requests for shoppers, retailers (by Retailer ID or username, to the
email on file) and staff; "forgot my Retailer ID"; the password-changed notice.

Nothing is sent when no account matches; the caller answers the same either way."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from retailers.models import Retailer
from shopsocial.mail.addresses import email_normalise
from shopsocial.mail.links import email_links_spec
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_reverse, shared_path

from ..links import site_url
from .common import email_dedupe_key, site_name_for

User = get_user_model()


# --- Password reset requests ----------------------------------------------------------
def _reset_enqueue(*, user, to: str, audience: str, slug: str, request_again_url: str) -> None:
    email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=to,
        template="account_password_reset",
        context={
            "privacy_url": company_reverse("privacy:policy"),
            "full_name": user.get_full_name() or user.get_username(),
            "username": user.get_username() if audience != "shopper" else "",
            "audience": audience,
            "site_name": site_name_for(slug),
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            "request_again_url": request_again_url,
            "links": email_links_spec(
                "accounts.password_reset", user_id=user.pk, audience=audience, slug=slug
            ),
        },
        dedupe_key=email_dedupe_key(f"account:{user.pk}:password-reset"),
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
            request_again_url=site_url(slug, shared_path("orders:account-password-reset")),
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
        request_again_url=company_reverse("backoffice-password-reset"),
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
            "privacy_url": company_reverse("privacy:policy"),
            "shops": [
                {
                    "retailer_number": r.retailer_number,
                    "display_name": r.display_name,
                    "username": r.user.get_username() if r.user_id else "",
                }
                for r in retailers
            ],
            "signin_url": company_reverse("retailers:backoffice-signin"),
            "reset_url": company_reverse("backoffice-password-reset"),
        },
        dedupe_key=email_dedupe_key(f"retailer-id-reminder:{retailers[0].pk}"),
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
            request_again_url=company_reverse("admin_password_reset"),
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
            "privacy_url": company_reverse("privacy:policy"),
            "full_name": user.get_full_name() or user.get_username(),
            "contact_url": company_reverse("privacy:contact"),
        },
        dedupe_key=email_dedupe_key(f"account:{user.pk}:password-changed"),
    )
