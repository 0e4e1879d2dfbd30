"""Catalog reads for the storefront and the company site.

Every listing costs a constant number of queries whatever the catalog size:
one page of products plus one query for their images (and one count for paging).
Company-wide data that rarely changes (the category tree, bestsellers) is kept
in Django's shared cache; every catalog write deletes it (shopsocial/invalidation.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import caches
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, prefetch_related_objects

from shopsocial.invalidation import (
    CACHE_ALIAS,
    CATEGORY_TREE,
    FRAGMENT_SECONDS,
    cached,
    cached_rows,
    cart_variant_key,
    product_og_image_key,
    product_row_key,
)
from shopsocial.urls_util import storefront_path

from .models import Category, Product, ProductImage, ProductVariant

PAGE_SIZE = 24
BESTSELLER_COUNT = 8
CACHE_TTL = 300
# A cart's kept variants (price, stock): writes delete them; the short life bounds what
# a reader that read just before a write and stored just after it could keep.
CART_ROWS_SECONDS = 60


class Sort:
    """Listing orders offered to shoppers: key -> (label, ORDER BY)."""

    DEFAULT = "name"
    CHOICES: dict[str, tuple[str, tuple[str, ...]]] = {
        "name": ("Name", ("name", "pk")),
        "price_asc": ("Price: low to high", ("price", "pk")),
        "price_desc": ("Price: high to low", ("-price", "-pk")),
        "newest": ("Newest", ("-created_at", "-pk")),
    }

    @classmethod
    def parse(cls, value: str | None) -> str:
        return value if value in cls.CHOICES else cls.DEFAULT


# --- Categories ---------------------------------------------------------------
@dataclass(frozen=True)
class CategoryNode:
    pk: int
    name: str
    slug: str
    parent_id: int | None
    children: tuple[CategoryNode, ...] = field(default=())

    def get_absolute_url(self) -> str:
        return storefront_path("storefront:category", slug=self.slug)

    @property
    def ids(self) -> list[int]:
        """This category and its sub-categories (a listing shows both)."""
        return [self.pk, *(child.pk for child in self.children)]


def _category_tree_build() -> list[CategoryNode]:
    rows = list(Category.objects.values_list("pk", "name", "slug", "parent_id"))
    children: dict[int, list[CategoryNode]] = {}
    for pk, name, slug, parent_id in rows:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(CategoryNode(pk, name, slug, parent_id))
    return [
        CategoryNode(pk, name, slug, None, tuple(children.get(pk, ())))
        for pk, name, slug, parent_id in rows
        if parent_id is None
    ]


def category_tree() -> list[CategoryNode]:
    """Top-level categories with their children (shared cache; one query when cold)."""
    return cached(CATEGORY_TREE, _category_tree_build, timeout=CACHE_TTL)


def category_get(*, slug: str) -> CategoryNode | None:
    for node in category_tree():
        if node.slug == slug:
            return node
        for child in node.children:
            if child.slug == slug:
                return child
    return None


# --- Products -----------------------------------------------------------------
def products_with_images(queryset: QuerySet[Product]) -> QuerySet[Product]:
    return queryset.prefetch_related(_images_prefetch())


def _images_prefetch(lookup: str = "images") -> Prefetch:
    return Prefetch(lookup, queryset=ProductImage.objects.order_by("position", "pk"))


def product_qs_active() -> QuerySet[Product]:
    # The search document is only needed inside SQL, never in Python.
    # `price_to`: the highest on-sale variant price, in the same query, so listings say
    # "from $X" (Product.price is the lowest) without a query per product.
    highest = (
        ProductVariant.objects.filter(product=OuterRef("pk"), active=True)
        .order_by("-price")
        .values("price")[:1]
    )
    return (
        Product.objects.filter(active=True)
        .defer("search_vector")
        .annotate(price_to=Subquery(highest))
    )


def products_paginate(queryset: QuerySet[Product], page: str | int | None) -> Page:
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        return paginator.page(page or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def product_images_prefetch(products: list[Product]) -> None:
    """Read the pictures of `products` in one query (listings whose cards were not kept)."""
    prefetch_related_objects(products, _images_prefetch())


def category_products_page(
    *, category: CategoryNode, sort: str, page: str | None, images: bool = True
) -> Page:
    """One page of a category's products; with `images=False` their pictures are left to
    `product_images_prefetch` (the view reads them only for cards it must render)."""
    queryset = product_qs_active().filter(category_id__in=category.ids)
    queryset = queryset.order_by(*Sort.CHOICES[Sort.parse(sort)][1])
    if images:
        queryset = products_with_images(queryset)
    result = products_paginate(queryset, page)
    result.object_list = list(result.object_list)
    return result


def _product_page_prefetches() -> list[Prefetch]:
    return [
        _images_prefetch(),
        Prefetch(
            "variants",
            queryset=ProductVariant.objects.filter(active=True).order_by("position", "pk"),
            to_attr="variants_on_sale",
        ),
    ]


def product_get(
    *, slug: str | None = None, pk: int | None = None, related: bool = True
) -> Product | None:
    """An active product with its category and, unless `related` is False, its images and
    on-sale variants (`product_related_prefetch` reads them later), or None."""
    queryset = product_qs_active().select_related("category", "category__parent")
    if related:
        queryset = queryset.prefetch_related(*_product_page_prefetches())
    return queryset.filter(**({"pk": pk} if pk is not None else {"slug": slug})).first()


def variants_for_cart(ids: Iterable[int]) -> dict[int, ProductVariant]:
    """Variants by id, on sale or not, with their products and pictures, as the cart
    shows and prices them (stock included). Each is kept in the shared cache until a
    write to it, its product or a picture deletes it (shopsocial/invalidation.py), so a
    cart page reads no catalog row once its variants are kept; the rest take two queries.
    """
    keys = {pk: cart_variant_key(pk) for pk in dict.fromkeys(ids)}
    return cached_rows(keys, variants_for_cart_read, timeout=CART_ROWS_SECONDS) if keys else {}


def variants_keep(variants: dict[int, ProductVariant]) -> None:
    """Keep variants just read from the database for `variants_for_cart`."""
    caches[CACHE_ALIAS].set_many(
        {cart_variant_key(pk): v for pk, v in variants.items()}, CART_ROWS_SECONDS
    )


def variants_for_cart_read(ids: list[int]) -> dict[int, ProductVariant]:
    """`variants_for_cart` read from the database now (what it keeps)."""
    variants = (
        ProductVariant.objects.filter(pk__in=ids)
        .select_related("product")
        .defer("product__search_vector")
        .prefetch_related(_images_prefetch("product__images"))
    )
    return {variant.pk: variant for variant in variants}


def product_page_get(*, slug: str) -> Product | None:
    """`product_get(slug=..., related=False)`, kept in the shared cache by slug until a
    write to the product, its variants or its category deletes it
    (shopsocial/invalidation.py). A slug that names no product is not kept."""
    return cached(
        product_row_key(slug),
        lambda: product_get(slug=slug, related=False),
        timeout=FRAGMENT_SECONDS,
        keep_none=False,  # a bot's made-up slugs take no room
    )


def product_related_prefetch(product: Product) -> None:
    """The images and on-sale variants of a product read with `related=False` (nothing is
    read again when they are there already)."""
    prefetch_related_objects([product], *_product_page_prefetches())


def product_og_image_path(product: Product) -> str:
    """The URL of the product's first picture ("" without one), kept in the shared cache
    until a write to the product or its pictures deletes it (shopsocial/invalidation.py)."""

    def build() -> str:
        image = ProductImage.objects.filter(product=product).order_by("position", "pk").first()
        return image.image.url if image else ""

    return cached(product_og_image_key(product.pk), build, timeout=FRAGMENT_SECONDS)


def products_by_ids(*, ids: list[int], images: bool = True) -> list[Product]:
    """Active products in the given order (missing or inactive ids are skipped); with
    `images=False` their pictures are left to `product_images_prefetch`."""
    if not ids:
        return []
    queryset = product_qs_active().filter(pk__in=ids)
    found = {p.pk: p for p in (products_with_images(queryset) if images else queryset)}
    return [found[pk] for pk in ids if pk in found]


def catalog_products_active() -> QuerySet[Product]:
    """Every active product by name (the storefront editor's product list)."""
    return Product.objects.filter(active=True).order_by("name")
