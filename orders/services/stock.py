"""Stock reservation: the one place that locks, checks and moves stock.

Keyed by product id today; when variants arrive, the key becomes the variant id
and only this module changes. Rows are locked in primary-key order, so two
checkouts never deadlock.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import F

from storefront.models import Product

from .errors import CheckoutError


def stock_reserve(*, quantities: Mapping[int, int]) -> list[Product]:
    """Lock the products, check they can be sold in these quantities, take the stock.

    Must run inside the placing transaction. Returns the locked products in pk order.
    """
    products = list(
        Product.objects.select_for_update().filter(pk__in=quantities.keys()).order_by("pk")
    )
    unavailable = [p.name for p in products if not p.active]
    if len(products) != len(quantities) or unavailable:
        raise CheckoutError(CheckoutError.Code.UNAVAILABLE, unavailable)
    short = [p.name for p in products if p.stock < quantities[p.pk]]
    if short:
        raise CheckoutError(CheckoutError.Code.OUT_OF_STOCK, short)
    if {p.currency for p in products} != {"USD"}:
        raise CheckoutError(CheckoutError.Code.UNAVAILABLE)
    for p in products:
        Product.objects.filter(pk=p.pk).update(stock=F("stock") - quantities[p.pk])
    return products


def stock_release(*, quantities: Mapping[int, int]) -> None:
    """Give reserved stock back (an order canceled or its hold expired)."""
    for product_id in sorted(quantities):
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantities[product_id])
