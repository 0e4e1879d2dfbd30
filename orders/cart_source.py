"""Where checkout reads the shopper's cart: the storefront's Cart, as (variant_id, qty) pairs.

Checkout services never see the session; only this adapter does. Beside the cart's
lines, the session keeps (per storefront) the discount code entered in the cart,
the destination given for the tax estimate, and the cart's pending order (one per
cart: checking out again replaces it).
"""

from __future__ import annotations

from django.http import HttpRequest

from storefront.cart import Cart

from .tax.engines import Destination


def cart_items(request: HttpRequest) -> list[tuple[int, int]]:
    return [(line.variant.pk, line.quantity) for line in Cart(request).lines()]


def cart_quantities(request: HttpRequest) -> list[tuple[int, int]]:
    """The cart as (variant_id, quantity) from the session only, no query: for
    `checkout_quote`, which prices what is still on sale and leaves the rest out (its
    `totals.lines` are the lines `cart_items` would give)."""
    return Cart(request).quantities()


def _key(request: HttpRequest, name: str) -> str:
    return f"{Cart(request).key}:{name}"


def _get(request: HttpRequest, name: str):
    session = getattr(request, "session", None)
    if session is None or not Cart(request)._has_session():
        return None
    return session.get(_key(request, name))


def _set(request: HttpRequest, name: str, value) -> None:
    key = _key(request, name)
    if value in (None, ""):
        if _get(request, name) is not None:
            del request.session[key]
    else:
        request.session[key] = value


def cart_discount_code(request: HttpRequest) -> str:
    value = _get(request, "discount")
    return value if isinstance(value, str) else ""


def cart_discount_code_set(request: HttpRequest, code: str) -> None:
    _set(request, "discount", code)


def cart_destination(request: HttpRequest) -> Destination | None:
    value = _get(request, "destination")
    if not isinstance(value, dict) or not isinstance(value.get("state"), str):
        return None
    return Destination(state=value["state"], postal_code=str(value.get("postal_code", ""))[:10])


def cart_destination_set(request: HttpRequest, destination: Destination | None) -> None:
    _set(
        request,
        "destination",
        {"state": destination.state, "postal_code": destination.postal_code}
        if destination
        else None,
    )


def cart_pending_order_id(request: HttpRequest) -> int | None:
    value = _get(request, "pending_order")
    return value if type(value) is int else None


def cart_pending_order_set(request: HttpRequest, order_id: int | None) -> None:
    _set(request, "pending_order", order_id)


def cart_clear(request: HttpRequest) -> None:
    Cart(request).clear()
    for name in ("discount", "pending_order"):
        _set(request, name, None)


def cart_attribution(request: HttpRequest) -> dict[str, str]:
    """The scene / share-link codes the cart came through (never a cookie: the session)."""
    return Cart(request).attribution()


def cart_autoship(request: HttpRequest) -> dict[int, int]:
    """{variant_id: weeks} for the cart's lines to deliver again (orders/autoship)."""
    return Cart(request).autoship()
