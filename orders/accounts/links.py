"""The secret links of account and order email, built at render time (see
shopsocial/mail/links.py) from the configured shop domain, never from a request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from orders.models import Order
from shopsocial.mail.links import email_link_builder
from shopsocial.urls_util import company_url, shared_path, storefront_url

from .selectors import order_status_url
from .tokens import email_verification_token, password_reset_token, uid_encode

# The named confirm view where each kind of account resets its password.
RESET_VIEWS = {
    "shopper": "orders:account-password-reset-confirm",
    "retailer": "backoffice-password-reset-confirm",
    "staff": "password_reset_confirm",
}


def site_slug(request) -> str:
    """The storefront the person is on ("" on the company site): links go back there."""
    tenant = getattr(request, "tenant", None)
    return "" if tenant is None or tenant.is_company else tenant.slug


def site_url(slug: str, path: str) -> str:
    """A storefront's own subdomain for `slug`, the company site for ""."""
    return storefront_url(slug, path) if slug else company_url(path)


@email_link_builder("accounts.password_reset")
def password_reset_links(*, user_id: int, audience: str, slug: str = "") -> dict[str, str]:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return {"reset_url": ""}
    path = reverse(
        RESET_VIEWS[audience],
        urlconf=settings.PUBLIC_SCHEMA_URLCONF,  # each is routed on the company site too
        args=[uid_encode(user.pk), password_reset_token.make_token(user)],
    )
    return {"reset_url": site_url(slug if audience == "shopper" else "", path)}


@email_link_builder("accounts.email_verify")
def email_verify_links(*, user_id: int, slug: str = "") -> dict[str, str]:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return {"verify_url": ""}
    token = email_verification_token.make_token(user)
    path = shared_path("orders:account-email-verify", uid_encode(user.pk), token)
    return {"verify_url": site_url(slug, path)}


@email_link_builder("accounts.order_status")
def order_status_links(*, order_id: int) -> dict[str, str]:
    order = Order.objects.filter(pk=order_id).select_related("retailer").first()
    return {"order_status_url": order_status_url(order=order) if order else ""}
