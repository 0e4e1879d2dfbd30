"""Retailer writes: the company tenant and storefront provisioning."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from .middleware import retailer_cache_invalidate
from .models import Domain, Retailer


def company_tenant_ensure() -> Retailer:
    """The public tenant serving the bare domain and www (idempotent)."""
    company, _ = Retailer.objects.get_or_create(
        schema_name="public",
        defaults={
            "kind": Retailer.Kind.COMPANY,
            "slug": "www",
            "display_name": "Shop Social Scenes",
        },
    )
    Domain.objects.get_or_create(
        domain=settings.SHOP_DOMAIN, defaults={"tenant": company, "is_primary": True}
    )
    return company


def retailer_schema_name(slug: str) -> str:
    return f"r_{slug.replace('-', '_')}"


@transaction.atomic
def retailer_provision(*, slug: str, display_name: str, **fields) -> Retailer:
    """Create the retailer, its schema and its storefront domain in one transaction."""
    retailer = Retailer(
        schema_name=retailer_schema_name(slug), slug=slug, display_name=display_name, **fields
    )
    retailer.full_clean(exclude=["schema_name"])
    retailer.save()
    hostname = f"{slug}.{settings.SHOP_DOMAIN}"
    Domain.objects.create(domain=hostname, tenant=retailer, is_primary=True)
    retailer_cache_invalidate(hostnames=[hostname])
    return retailer
