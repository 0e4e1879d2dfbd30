"""Cart money (storefront): the discount code and the destination for the tax estimate.

Both are kept in the session beside the cart and shown by `{% cart_totals %}`.
A refused code leaves the cart as it was. Codes tried are rate-limited per client
IP (DISCOUNT_CODE_TRY_RATE), so codes cannot be guessed by brute force.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from storefront.cart import Cart

from .cart_source import (
    cart_destination_set,
    cart_discount_code,
    cart_discount_code_set,
    cart_items,
)
from .discounts.selectors import DiscountError, discount_code_normalise
from .selectors import (
    discount_code_valid,
    giftcards_marked,
    priced_items,
)
from .tax.engines import Destination
from .totals import discountable_merchandise

ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")


def _discount_rate(group, request) -> str:
    return settings.DISCOUNT_CODE_TRY_RATE


@require_POST
@ratelimit(key="ip", rate=_discount_rate, method="POST", block=False)
def cart_discount(request: HttpRequest) -> HttpResponse:
    """POST code=...: apply a code (one per order; a new one replaces it); remove=1 drops it."""
    cart = Cart(request)
    if request.POST.get("remove"):
        if cart_discount_code(request):
            cart_discount_code_set(request, "")
            messages.success(request, "Discount code removed.")
        return redirect("storefront:cart")
    code = discount_code_normalise(request.POST.get("code", ""))
    if getattr(request, "limited", False):
        messages.error(request, str(DiscountError.Code.TOO_MANY_TRIES.label))
        return redirect("storefront:cart")
    if not code:
        messages.error(request, "Enter a discount code.")
        return redirect("storefront:cart")
    if cart.is_empty():
        messages.error(request, "Add something to your cart before entering a code.")
        return redirect("storefront:cart")
    # What a code may apply to: everything but gift cards (orders/totals.py).
    merchandise = discountable_merchandise(
        giftcards_marked(priced_items(items=cart_items(request)))
    )
    try:
        if merchandise <= 0:
            raise DiscountError(DiscountError.Code.GIFT_CARDS_ONLY)
        found = discount_code_valid(code=code, merchandise=merchandise)
    except DiscountError as exc:
        messages.error(request, f"Code {code} not applied: {exc}")
        return redirect("storefront:cart")
    cart_discount_code_set(request, found.code)  # the cart's totals panel confirms it
    return redirect("storefront:cart")


@require_POST
def cart_estimate(request: HttpRequest) -> HttpResponse:
    """POST state=XX [postal_code=...]: where the cart ships, for the tax estimate."""
    state = str(request.POST.get("state", ""))[:2].upper()
    postal_code = str(request.POST.get("postal_code", "")).strip()[:10]
    if not state:
        cart_destination_set(request, None)
        return redirect("storefront:cart")
    destination = Destination(state=state, postal_code=postal_code)
    if not destination.ships:
        messages.error(
            request, "We ship only to the US states, DC, US territories and APO/FPO/DPO addresses."
        )
        return redirect("storefront:cart")
    if postal_code and not ZIP_RE.match(postal_code):
        messages.error(request, "Enter a ZIP code like 92693 or 92693-1234.")
        return redirect("storefront:cart")
    cart_destination_set(request, destination)
    return redirect("storefront:cart")
