"""Catalog helpers for tests: every product sells through at least one variant."""

from __future__ import annotations

from storefront.models import Product, ProductVariant


def variant_default_add(product: Product) -> Product:
    """Give a product its one default variant (same SKU, price and stock), as migration 0007
    does for existing products; returns the product."""
    ProductVariant.objects.create(
        product=product, sku=product.sku, price=product.price, stock=product.stock
    )
    return product


def variant_of(product: Product) -> ProductVariant:
    """The product's first variant (its default one)."""
    return product.variants.order_by("position", "pk").first()
