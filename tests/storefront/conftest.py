"""Catalog fixtures: real rows in the public schema, no image files needed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from itertools import count

import pytest

from storefront.models import Category, Product, ProductImage, ProductVariant
from tests.factories import CategoryFactory, ProductFactory, ProductImageFactory

_seq = count(1)


@pytest.fixture
def category(db) -> Category:
    return CategoryFactory(name="Candles", slug="candles", position=0)


@pytest.fixture
def other_category(db) -> Category:
    return CategoryFactory(name="Kitchen", slug="kitchen", position=1)


@pytest.fixture
def make_product(category) -> Callable[..., Product]:
    def make(
        name: str | None = None,
        *,
        price: str = "10.00",
        stock: int = 10,
        active: bool = True,
        description: str = "",
        sku: str | None = None,
        in_category: Category | None = None,
        image: bool = True,
        age_days: int = 0,
    ) -> Product:
        n = next(_seq)
        name = name or f"Product {n}"
        return ProductFactory(
            sku=sku or f"SKU-{n:05d}",
            name=name,
            slug=f"{name.lower().replace(' ', '-')}-{n}",
            description=description,
            category=in_category or category,
            price=Decimal(price),
            stock=stock,
            active=active,
            image=image,
            age_days=age_days,
        )

    return make


def products_bulk_create(category: Category, n: int, *, start: int = 0) -> None:
    """Many products (each with one image) in two queries, for query-count tests."""
    products = Product.objects.bulk_create(
        ProductFactory.build(
            sku=f"BULK-{i:05d}",
            name=f"Bulk candle {i}",
            slug=f"bulk-candle-{i}",
            description="A candle made in bulk for tests.",
            category=category,
            price=Decimal("5.00") + i,
            stock=5,
        )
        for i in range(start, start + n)
    )
    ProductImage.objects.bulk_create(
        ProductImageFactory.build(product=p, alt_text=p.name) for p in products
    )
    ProductVariant.objects.bulk_create(
        ProductVariant(product=p, sku=p.sku, price=p.price, stock=p.stock) for p in products
    )


def caches_clear() -> None:
    from tests.conftest import _caches_clear

    _caches_clear()
