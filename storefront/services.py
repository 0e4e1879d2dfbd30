"""Catalog writes. Products are never hard-deleted: they are deactivated."""

from __future__ import annotations

from django.db import transaction

from .caching import catalog_cache_bump
from .models import Product


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
