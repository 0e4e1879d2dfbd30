"""Where checkout reads the shopper's cart: the storefront's Cart, as (product_id, qty) pairs.

Checkout services never see the session; only this adapter does.
"""

from __future__ import annotations

from django.http import HttpRequest

try:  # the storefront's session cart (storefront/cart.py)
    from storefront.cart import Cart
except ImportError:  # pragma: no cover - until the storefront cart is merged
    Cart = None

FALLBACK_SESSION_KEY = "cart"


def cart_items(request: HttpRequest) -> list[tuple[int, int]]:
    if Cart is not None:
        return [(line.product.pk, line.quantity) for line in Cart(request).lines()]
    raw = request.session.get(FALLBACK_SESSION_KEY) or {}
    items = []
    for product_id, quantity in raw.items():
        try:
            items.append((int(product_id), int(quantity)))
        except (TypeError, ValueError):
            continue
    return items


def cart_clear(request: HttpRequest) -> None:
    if Cart is not None:
        Cart(request).clear()
    elif FALLBACK_SESSION_KEY in request.session:
        del request.session[FALLBACK_SESSION_KEY]
