"""{% order_status_url order %} and {% email_is_verified %} for account and order pages."""

from __future__ import annotations

from django import template

from ..selectors import email_verified_for_user, order_status_path

register = template.Library()


@register.simple_tag
def order_status_link(order) -> str:
    """The order's signed status path on its storefront (this page is on that storefront)."""
    if order is None or not getattr(order, "pk", None):
        return ""
    return order_status_path(order=order)


@register.simple_tag(takes_context=True)
def email_is_verified(context) -> bool:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    return bool(email_verified_for_user(user=user))
