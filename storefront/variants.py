"""Variants on the product page: the option groups, resolving a shopper's pick, galleries.

Pure functions over a product whose on-sale variants are prefetched
(`selectors.product_get` puts them in `product.variants_on_sale`): no query here.

A shopper picks one value per option (radio groups that work without JavaScript);
the server resolves the pick to a variant, or says clearly why it cannot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .models import Product, ProductImage, ProductVariant


class VariantPickError(ValueError):
    """The pick does not name a variant on sale; `str(error)` is for the shopper."""


@dataclass(frozen=True)
class OptionGroup:
    index: int  # 1..3: the form field is f"option{index}"
    name: str  # "Scent"
    values: tuple[str, ...]  # in the order the variants give them
    chosen: str = ""

    @property
    def field(self) -> str:
        return f"option{self.index}"


def variants_on_sale(product: Product) -> list[ProductVariant]:
    prefetched = getattr(product, "variants_on_sale", None)
    if prefetched is not None:
        return list(prefetched)
    return list(product.variants.filter(active=True).order_by("position", "pk"))


def option_groups(product: Product, *, chosen: ProductVariant | None = None) -> list[OptionGroup]:
    groups = []
    variants = variants_on_sale(product)
    for index, name in enumerate(
        (product.option1_name, product.option2_name, product.option3_name), start=1
    ):
        if not name:
            continue
        values: list[str] = []
        for variant in variants:
            value = getattr(variant, f"option{index}")
            if value and value not in values:
                values.append(value)
        groups.append(
            OptionGroup(
                index=index,
                name=name,
                values=tuple(values),
                chosen=getattr(chosen, f"option{index}", "") if chosen else "",
            )
        )
    return groups


def variant_default(product: Product) -> ProductVariant | None:
    """What the page shows first: the first variant in stock, else the first on sale."""
    variants = variants_on_sale(product)
    return next((v for v in variants if v.in_stock), variants[0] if variants else None)


def variant_resolve(product: Product, data: Mapping[str, str]) -> ProductVariant:
    """The on-sale variant the posted data names: `variant_id`, or one value per option.

    A product with one variant needs neither. Raises VariantPickError with a message.
    """
    variants = variants_on_sale(product)
    if not variants:
        raise VariantPickError(f"Sorry, {product.name} is not available.")
    groups = option_groups(product)
    picked = {g.index: str(data.get(g.field, "")).strip()[:40] for g in groups}
    if groups and all(picked.values()):
        for variant in variants:
            if all(getattr(variant, f"option{i}") == value for i, value in picked.items()):
                return variant
        words = ", ".join(picked[g.index] for g in groups)
        raise VariantPickError(
            f"Sorry, {product.name} does not come in {words}. Please choose another combination."
        )
    variant_id = str(data.get("variant_id", "")).strip()
    if variant_id.isdecimal() and variant_id.isascii():
        for variant in variants:
            if variant.pk == int(variant_id):
                return variant
        raise VariantPickError(f"Sorry, that choice of {product.name} is not available.")
    if len(variants) == 1 and not groups:
        return variants[0]
    missing = [g.name for g in groups if not picked[g.index]]
    raise VariantPickError(f"Please choose a {' and a '.join(missing)}.")


def variant_gallery(product: Product, variant: ProductVariant | None) -> list[ProductImage]:
    """The variant's own pictures first, then the product's, then other variants'.

    Other variants' pictures stay in the gallery so the script can switch to them.
    """
    on_sale = {v.pk for v in variants_on_sale(product)}
    images = [i for i in product.images.all() if i.variant_id is None or i.variant_id in on_sale]
    chosen = variant.pk if variant is not None else None
    own = [i for i in images if chosen is not None and i.variant_id == chosen]
    shared = [i for i in images if i.variant_id is None]
    others = [i for i in images if i.variant_id is not None and i.variant_id != chosen]
    return own + shared + others


def price_range(product: Product) -> tuple[Decimal, Decimal] | None:
    prices = [v.price for v in variants_on_sale(product)]
    return (min(prices), max(prices)) if prices else None


def variants_json(product: Product) -> list[dict]:
    """What static/js/variants.js needs to update price, stock and picture (no query)."""
    return [
        {
            "id": v.pk,
            "options": [getattr(v, f"option{g.index}") for g in option_groups(product)],
            "sku": v.sku,
            "price": str(v.price),
            "stock": v.stock,
            "label": v.label,
        }
        for v in variants_on_sale(product)
    ]
