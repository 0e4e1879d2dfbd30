"""Checkout money on storefront pages, from the one totals calculation.

- `{% offline_demo_banner %}`: the loud banner every page shows when production runs
  the offline gateway on purpose (PAYMENTS_OFFLINE_DEMO=true);
- `{% cart_totals %}`: the cart's totals (discount, shipping, tax estimate once a
  state is known), the discount-code and tax-estimate forms;
- `{% free_shipping_hint %}`: "$X away from free shipping" for the cart as it is.
"""

from __future__ import annotations

from functools import cache

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from orders.cart_source import cart_destination, cart_discount_code, cart_quantities
from orders.gateways import offline_gateway_in_use
from orders.selectors import checkout_quote, shipping_method_for_display
from orders.tax.engines import SHIPPING_STATES

register = template.Library()


@register.inclusion_tag("orders/partials/offline_demo_banner.html")
def offline_demo_banner() -> dict:
    return {"show": bool(settings.PAYMENTS_OFFLINE_DEMO) and offline_gateway_in_use()}


@register.inclusion_tag("orders/partials/cart_totals.html", takes_context=True)
def cart_totals(context) -> dict:
    request = context["request"]
    code = cart_discount_code(request)
    destination = cart_destination(request)
    quote = checkout_quote(
        items=cart_quantities(request), discount_code=code, destination=destination
    )
    return {
        "totals": quote.totals,
        "discount_entered": code,
        "discount_error": quote.discount_error,
        "destination": destination,
        "state_options": _state_options(
            destination.state if destination and destination.state in SHIPPING_STATES else ""
        ),
        "discount_message": context.get("discount_message", ""),
        "estimate_message": context.get("estimate_message", ""),
    }


@cache
def _state_options(selected: str) -> SafeString:
    """The tax-estimate form's <option>s, `selected` marked (built once per state: a
    template loop over 51 states was half the cart page's time)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html('<option value="{}"{}>{}</option>', s, " selected" * (s == selected), s),)
            for s in sorted(SHIPPING_STATES)
        ),
    )


@register.inclusion_tag("orders/partials/free_shipping_hint.html", takes_context=True)
def free_shipping_hint(context) -> dict:
    request = context["request"]
    # The cart's lines are priced by the quote itself (one query), not read twice.
    items = cart_quantities(request)
    quote = (
        checkout_quote(items=items, discount_code=cart_discount_code(request)) if items else None
    )
    if quote is None or not quote.totals.lines:
        method = shipping_method_for_display()
        return {"remaining": None, "method": method, "empty": True}
    return {
        "remaining": quote.totals.free_shipping_remaining,
        "method": quote.totals.shipping_method,
        "free": quote.totals.shipping == 0 and quote.totals.shipping_method is not None,
        "empty": False,
    }
