"""Absolute URLs for the company site and storefronts (email links, redirects)."""

from django.conf import settings
from django.urls import reverse


def _origin(host: str) -> str:
    return f"{settings.SHOP_SCHEME}://{host}{settings.SHOP_PORT}"


def company_url(path: str = "/") -> str:
    return _origin(f"www.{settings.SHOP_DOMAIN}") + path


def storefront_url(slug: str, path: str = "/") -> str:
    return _origin(f"{slug}.{settings.SHOP_DOMAIN}") + path


def company_reverse(viewname: str, *args: object, **kwargs: object) -> str:
    """Absolute URL of a named company-site view ("privacy:policy"), from anywhere (tasks too)."""
    path = reverse(viewname, urlconf=settings.PUBLIC_SCHEMA_URLCONF, args=args, kwargs=kwargs)
    return company_url(path)


def storefront_path(viewname: str, *args: object, **kwargs: object) -> str:
    """Path of a named storefront view ("storefront:cart"), whatever the current host."""
    return reverse(viewname, urlconf=settings.ROOT_URLCONF, args=args, kwargs=kwargs)


def storefront_reverse(slug: str, viewname: str, *args: object, **kwargs: object) -> str:
    """Absolute URL of a named view on the storefront `slug` (email links, gateway returns)."""
    return storefront_url(slug, storefront_path(viewname, *args, **kwargs))


def shared_path(viewname: str, *args: object, **kwargs: object) -> str:
    """Path of a named view served alike on every host (privacy, newsletter, shop pages)."""
    return reverse(viewname, urlconf=settings.PUBLIC_SCHEMA_URLCONF, args=args, kwargs=kwargs)


def storefront_host(slug: str) -> str:
    return f"{slug}.{settings.SHOP_DOMAIN}"


def home_url_name(request) -> str:
    """`{% url home_url_name %}`: this host's home page (a storefront's, or the company
    site's)."""
    tenant = getattr(request, "tenant", None)
    retailer = tenant is not None and not tenant.is_company
    return "storefront:home" if retailer else "company:home"
