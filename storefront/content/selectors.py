"""Reads of a retailer's own storefront content (their tenant schema).

The request's connection is already on the retailer's schema; the selectors take
the retailer anyway so a caller can never read one storefront's content for another.
"""

from __future__ import annotations

from contextlib import nullcontext

from django.db import connection
from django_tenants.utils import tenant_context

from retailers.models import Retailer

from .models import FeaturedProduct, StorefrontProfile


def _on(retailer: Retailer):
    if connection.schema_name == retailer.schema_name:
        return nullcontext()
    return tenant_context(retailer)


def storefront_profile_get(*, retailer: Retailer) -> StorefrontProfile | None:
    with _on(retailer):
        return StorefrontProfile.objects.order_by("pk").first()


def featured_product_ids(*, retailer: Retailer) -> list[int]:
    with _on(retailer):
        return list(
            FeaturedProduct.objects.order_by("position", "pk").values_list("product_id", flat=True)
        )
