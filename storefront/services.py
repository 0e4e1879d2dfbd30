"""Catalog writes. Products are never hard-deleted: they are deactivated."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from shopsocial.images import (
    PRODUCT_RENDITION_WIDTHS,
    RENDITION_FORMATS,
    CleanImage,
    image_clean,
    rendition_name,
)

from .caching import catalog_cache_bump
from .models import Product, ProductImage

PRODUCT_IMAGE_MAX_BYTES = 8 * 1024 * 1024
PRODUCT_IMAGE_MAX_SIDE = 1600


@transaction.atomic
def product_bulk_set_active(*, product_ids: list[int], active: bool) -> int:
    """Activate or deactivate products; returns how many rows changed."""
    changed = (
        Product.objects.filter(pk__in=product_ids).exclude(active=active).update(active=active)
    )
    transaction.on_commit(catalog_cache_bump)
    return changed


def catalog_changed() -> None:
    """Called after any catalog edit (admin saves) so cached listings refresh at once."""
    transaction.on_commit(catalog_cache_bump)


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
    catalog_changed()
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
