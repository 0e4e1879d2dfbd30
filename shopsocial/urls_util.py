"""Absolute URLs for the company site and storefronts (email links, redirects)."""

from django.conf import settings


def _origin(host: str) -> str:
    return f"{settings.SHOP_SCHEME}://{host}{settings.SHOP_PORT}"


def company_url(path: str = "/") -> str:
    return _origin(f"www.{settings.SHOP_DOMAIN}") + path


def storefront_url(slug: str, path: str = "/") -> str:
    return _origin(f"{slug}.{settings.SHOP_DOMAIN}") + path


def storefront_host(slug: str) -> str:
    return f"{slug}.{settings.SHOP_DOMAIN}"
