"""What search engines are told about a host: its sitemap URLs and a product's JSON-LD."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from shopsocial.urls_util import company_url, storefront_path
from storefront.models import Product, ProductVariant
from storefront.selectors import category_tree, product_qs_active

# Paths no crawler should fetch (robots.txt): personal, stateful or staff pages.
# JSON string escapes that keep a JSON text inert inside a <script> element.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

ROBOTS_DISALLOW = ("/cart/", "/checkout/", "/account/", "/backoffice/", "/admin/")


@dataclass(frozen=True)
class SitemapEntry:
    path: str
    lastmod: str = ""  # W3C date (YYYY-MM-DD), empty when unknown


def sitemap_entries() -> list[SitemapEntry]:
    """This host's own pages worth indexing: home, every category, every active product.

    The catalog is one (public schema), so every host lists the same categories and
    products under its own origin; the caller turns paths into absolute URLs.
    """
    entries = [SitemapEntry(storefront_path("storefront:home"))]
    for node in category_tree():
        entries.append(SitemapEntry(storefront_path("storefront:category", slug=node.slug)))
        entries.extend(
            SitemapEntry(storefront_path("storefront:category", slug=child.slug))
            for child in node.children
        )
    products = product_qs_active().order_by("pk").values_list("slug", "updated_at")
    entries.extend(
        SitemapEntry(storefront_path("storefront:product", slug=slug), updated.date().isoformat())
        for slug, updated in products
    )
    return entries


def product_canonical_url(product: Product) -> str:
    """One URL for a product on every host: the company site's, so storefronts never compete."""
    return company_url(storefront_path("storefront:product", slug=product.slug))


def product_json_ld(
    *,
    product: Product,
    variant: ProductVariant | None,
    image_url: str,
    rating: tuple[Decimal, int] | None = None,
    reviews: Sequence = (),
) -> str:
    """A schema.org Product as a <script type="application/ld+json"> element, escaped.

    <, > and & are written as JSON \\u escapes (as Django's json_script does), so a
    name like "</script>" or "<!--" stays inside the element.
    """
    price = variant.price if variant else product.price
    in_stock = (variant.stock if variant else product.stock) > 0
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": variant.sku if variant else product.sku,
        "url": product_canonical_url(product),
        "offers": {
            "@type": "Offer",
            "price": str(Decimal(price).quantize(Decimal("0.01"))),
            "priceCurrency": product.currency,
            "availability": "https://schema.org/" + ("InStock" if in_stock else "OutOfStock"),
        },
    }
    if product.description:
        data["description"] = product.description
    if image_url:
        data["image"] = [image_url]
    if rating is not None:  # reviews (issue 28): approved reviews only, from the caller
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(rating[0]),
            "reviewCount": rating[1],
            "bestRating": 5,
            "worstRating": 1,
        }
        data["review"] = [
            {
                "@type": "Review",
                "name": review.title,
                "reviewBody": review.body,
                "datePublished": review.created_at.date().isoformat(),
                "author": {"@type": "Person", "name": review.display_name},
                "reviewRating": {"@type": "Rating", "ratingValue": review.rating, "bestRating": 5},
            }
            for review in reviews
        ]
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
