"""My storefront: display name (public) and tenant-schema content."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django_tenants.utils import tenant_context

from retailers.models import Retailer, RetailerAuditEvent
from retailers.services import audit_record
from shopsocial.images import image_clean

User = get_user_model()


# --- Storefront content (tenant schema) ---------------------------------------------

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 1200


def photo_reencode(upload: UploadedFile) -> ContentFile:
    """The storefront photo through the one image helper (checked, upright, no metadata)."""
    return image_clean(
        upload, noun="photo", max_bytes=PHOTO_MAX_BYTES, max_side=PHOTO_MAX_SIDE
    ).content


@transaction.atomic
def storefront_update(
    *,
    retailer: Retailer,
    actor: AbstractBaseUser,
    display_name: str,
    about: str,
    photo: UploadedFile | None = None,
    photo_alt: str = "",
    remove_photo: bool = False,
    featured_product_ids: Iterable[int] = (),
) -> Retailer:
    """Update the storefront: display name (public), about, photo, featured products (tenant)."""
    from storefront.content.models import FeaturedProduct, StorefrontProfile
    from storefront.models import Product

    encoded = photo_reencode(photo) if photo else None
    wanted = list(dict.fromkeys(int(pk) for pk in featured_product_ids))
    active = set(Product.objects.filter(pk__in=wanted, active=True).values_list("pk", flat=True))
    if set(wanted) - active:
        raise ValidationError({"featured": "Choose products from the current catalog."})
    changed = []
    retailer = Retailer.objects.select_for_update().get(pk=retailer.pk)
    if retailer.display_name != display_name:
        retailer.display_name = display_name
        retailer.full_clean(exclude=["schema_name", "user"])
        retailer.save(update_fields=["display_name", "updated_at"])
        changed.append("display_name")
    with tenant_context(retailer):
        profile = StorefrontProfile.objects.order_by("pk").first() or StorefrontProfile()
        old_photo = profile.photo.name if profile.photo else ""
        if profile.about != about:
            profile.about = about
            changed.append("about")
        if encoded is not None:
            profile.photo.save(f"{retailer.schema_name}/{encoded.name}", encoded, save=False)
            changed.append("photo")
        elif remove_photo and old_photo:
            profile.photo = ""
            changed.append("photo")
        if profile.photo_alt != photo_alt:
            profile.photo_alt = photo_alt
            changed.append("photo_alt")
        profile.full_clean()
        profile.save()
        current = list(FeaturedProduct.objects.values_list("product_id", flat=True))
        if current != wanted:
            FeaturedProduct.objects.all().delete()
            FeaturedProduct.objects.bulk_create(
                FeaturedProduct(product_id=pk, position=i) for i, pk in enumerate(wanted)
            )
            changed.append("featured_products")
    if changed:
        audit_record(
            retailer=retailer,
            actor=actor,
            action=RetailerAuditEvent.Action.STOREFRONT_UPDATED,
            detail=", ".join(changed),
        )
    if old_photo and "photo" in changed:
        storage = StorefrontProfile._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    return retailer
