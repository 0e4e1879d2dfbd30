"""Catalog writes. Products are never hard-deleted: they are deactivated."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Min, Sum

from shopsocial.images import (
    PRODUCT_RENDITION_WIDTHS,
    RENDITION_FORMATS,
    CleanImage,
    image_clean,
    rendition_name,
)

from .models import Product, ProductImage, ProductVariant

PRODUCT_IMAGE_MAX_BYTES = 8 * 1024 * 1024
PRODUCT_IMAGE_MAX_SIDE = 1600


@transaction.atomic
def product_bulk_set_active(*, product_ids: list[int], active: bool) -> int:
    """Activate or deactivate products; returns how many rows changed."""
    changed = (
        Product.objects.filter(pk__in=product_ids).exclude(active=active).update(active=active)
    )
    return changed


def product_summary_refresh(*, product: Product) -> Product:
    """Recompute the product's "from" price and total stock from its on-sale variants.

    Called after the admin (or the seed) edits variants. Checkout moves stock with `F()`
    in `orders/services/stock.py`, which keeps the same sum without a recount.
    """
    summary = ProductVariant.objects.filter(product=product, active=True).aggregate(
        price=Min("price"), stock=Sum("stock")
    )
    product.price = summary["price"] if summary["price"] is not None else product.price
    product.stock = summary["stock"] or 0
    Product.objects.filter(pk=product.pk).update(price=product.price, stock=product.stock)
    return product


@transaction.atomic
def product_variant_create(
    *,
    product: Product,
    sku: str,
    price,
    stock: int = 0,
    options: tuple[str, ...] = (),
    position: int = 0,
) -> ProductVariant:
    """Add a variant (seed, scripts; the admin edits them inline) and refresh the summary."""
    values = dict(zip(("option1", "option2", "option3"), options, strict=False))
    variant = ProductVariant(
        product=product, sku=sku, price=price, stock=stock, position=position, **values
    )
    variant.full_clean()
    variant.save()
    product_summary_refresh(product=product)
    return variant


def product_image_clean(upload) -> CleanImage:
    """An upload through the one image helper, with the gallery's renditions (WebP + JPEG)."""
    return image_clean(
        upload,
        noun="image",
        max_bytes=PRODUCT_IMAGE_MAX_BYTES,
        max_side=PRODUCT_IMAGE_MAX_SIDE,
        rendition_widths=PRODUCT_RENDITION_WIDTHS,
    )


def product_image_renditions_store(*, image: ProductImage, clean: CleanImage) -> ProductImage:
    """Write the renditions beside the stored image, once, and record their widths."""
    storage = image.image.storage
    for rendition in clean.renditions:
        name = rendition_name(
            image.image.name, width=rendition.width, extension=rendition.extension
        )
        storage.save(name, ContentFile(rendition.data))
    image.width, image.height, image.renditions = clean.width, clean.height, clean.rendition_widths
    image.save(update_fields=["width", "height", "renditions"])
    return image


@transaction.atomic
def product_image_store(
    *, product: Product, upload, alt_text: str, position: int = 0
) -> ProductImage:
    """Add a picture to a product's gallery: cleaned, stored, renditions made (seed, scripts).

    The admin's inline does the same through `ProductImageForm`.
    """
    clean = product_image_clean(upload)
    image = ProductImage(product=product, alt_text=alt_text, position=position)
    image.image.save(clean.content.name, clean.content, save=False)
    image.full_clean()
    image.save()
    product_image_renditions_store(image=image, clean=clean)
    return image


def product_image_files_delete(*, name: str, renditions: list[int]) -> None:
    """After commit, delete a replaced or removed picture's file and its renditions.

    Kept when another row still names the same file (fixtures and seed data may share one).
    """
    storage = ProductImage._meta.get_field("image").storage
    names = [name] + [
        rendition_name(name, width=width, extension=extension)
        for width in renditions
        for extension in RENDITION_FORMATS
    ]

    def delete() -> None:
        if not name or ProductImage.objects.filter(image=name).exists():
            return
        for each in names:
            storage.delete(each)

    transaction.on_commit(delete)
