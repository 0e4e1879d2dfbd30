"""Where checkout reads the shopper's cart: the storefront's Cart, as (product_id, qty) pairs.

Checkout services never see the session; only this adapter does.
"""

from __future__ import annotations

from django.http import HttpRequest

from storefront.cart import Cart


def cart_items(request: HttpRequest) -> list[tuple[int, int]]:
    return [(line.product.pk, line.quantity) for line in Cart(request).lines()]


def cart_clear(request: HttpRequest) -> None:
    Cart(request).clear()
