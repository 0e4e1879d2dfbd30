from django.conf import settings
from django.http import HttpRequest

from shopsocial.urls_util import company_reverse, company_url, home_url_name


def site(request: HttpRequest) -> dict:
    tenant = getattr(request, "tenant", None)
    retailer = tenant if tenant is not None and not tenant.is_company else None
    return {
        "company": settings.COMPANY,
        "company_url": company_url(),
        "retailer": retailer,
        # The shop's name in titles and headers: the retailer's, or the company's.
        "site_name": tenant.display_name if tenant is not None else "Shop Social Scenes",
        # Pages served on both hosts extend this layout.
        "base_layout": "storefront/base.html" if retailer else "company/base.html",
        # {% url home_url_name %}: this host's home page.
        "home_url_name": home_url_name(request),
        # Evaluated only where a template uses it.
        "company_finder_url": lambda: company_reverse("company:retailer-finder"),
        "shop_domain": settings.SHOP_DOMAIN,
    }


def shared_cache_prefetch(request: HttpRequest) -> dict:
    """Read what every rendered page reads from the shared cache in one round trip
    (`shopsocial.invalidation.every_request_cache_keys`: the category tree, the policy
    versions, the shipping method, the menu fragment; and the frame's fragments) before
    the template asks for it.
    A view that prefetches its fragments (storefront.caching) has read these already."""
    from django.core.cache import caches

    from shopsocial.invalidation import CACHE_ALIAS, templates_release
    from storefront.caching import storefront_page_keys

    cache = caches[CACHE_ALIAS]
    if hasattr(cache, "prefetch"):
        cache.prefetch(storefront_page_keys(request))
    # The last part of every `{% cache %}` key (shopsocial.invalidation.fragment_key).
    return {"fragment_release": templates_release()}
