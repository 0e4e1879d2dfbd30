"""Reads of a retailer's own storefront content (their tenant schema).

The request's connection is already on the retailer's schema; the selectors take
the retailer anyway so a caller can never read one storefront's content for another.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection
from django_tenants.utils import tenant_context

from retailers.models import Retailer
from shopsocial.invalidation import FRAGMENT_SECONDS, cached, storefront_content_key

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


@dataclass(frozen=True)
class StorefrontContent:
    profile: StorefrontProfile | None
    featured_ids: list[int]


def storefront_content_get(*, retailer: Retailer) -> StorefrontContent:
    """The storefront's profile and featured products for its home page, kept in the
    shared cache until a write to either deletes it (shopsocial/invalidation.py)."""

    def build() -> StorefrontContent:
        return StorefrontContent(
            profile=storefront_profile_get(retailer=retailer),
            featured_ids=featured_product_ids(retailer=retailer),
        )

    return cached(storefront_content_key(retailer.schema_name), build, timeout=FRAGMENT_SECONDS)
