"""Stock reservation: the one place that locks, checks and moves stock.

Keyed by variant id (what a shopper buys). Variant rows are locked in primary-key
order, so two checkouts never deadlock; the product's denormalised `stock` (the sum
its listings show) moves by the same amounts with `F()`, in product-id order, after
every variant lock is held.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from django.db.models import F

from storefront.cart import variant_display_name
from storefront.models import Product, ProductVariant

from .errors import CheckoutError


def _product_stock_move(per_variant: Mapping[int, int], variants: list[ProductVariant]) -> None:
    """Move each product's summary stock by its variants' deltas (product-id order)."""
    per_product: Counter[int] = Counter()
    for variant in variants:
        if variant.active:
            per_product[variant.product_id] += per_variant[variant.pk]
    for product_id in sorted(per_product):
        if per_product[product_id]:
            Product.objects.filter(pk=product_id).update(stock=F("stock") + per_product[product_id])


def stock_reserve(*, quantities: Mapping[int, int]) -> list[ProductVariant]:
    """Lock the variants, check they can be sold in these quantities, take the stock.

    `quantities` maps variant id -> quantity. Must run inside the placing transaction.
    Returns the locked variants (with their product) in pk order.
    """
    variants = list(
        ProductVariant.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(pk__in=quantities.keys())
        .order_by("pk")
    )
    unavailable = [variant_display_name(v) for v in variants if not v.on_sale]
    if len(variants) != len(quantities) or unavailable:
        raise CheckoutError(CheckoutError.Code.UNAVAILABLE, unavailable)
    short = [variant_display_name(v) for v in variants if v.stock < quantities[v.pk]]
    if short:
        raise CheckoutError(CheckoutError.Code.OUT_OF_STOCK, short)
    if {v.product.currency for v in variants} != {"USD"}:
        raise CheckoutError(CheckoutError.Code.UNAVAILABLE)
    for v in variants:
        ProductVariant.objects.filter(pk=v.pk).update(stock=F("stock") - quantities[v.pk])
    _product_stock_move({pk: -q for pk, q in quantities.items()}, variants)
    return variants


def stock_release(*, quantities: Mapping[int, int]) -> None:
    """Give reserved stock back (an order canceled or its hold expired); variant id -> qty."""
    variants = list(
        ProductVariant.objects.select_for_update()
        .filter(pk__in=quantities.keys())
        .order_by("pk")
        .only("pk", "product_id", "active")
    )
    for variant in variants:
        ProductVariant.objects.filter(pk=variant.pk).update(
            stock=F("stock") + quantities[variant.pk]
        )
    _product_stock_move(quantities, variants)
