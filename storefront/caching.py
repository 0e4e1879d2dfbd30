"""HTTP caching of storefront pages (docs/caching.md).

Pages are rendered by plain Django views; a shared HTTP cache in front (Varnish,
deploy/varnish/default.vcl) keeps the anonymous ones. `shared_page` marks what it may
keep and under which surrogate keys:

- a GET/HEAD request that carries no cookie at all (the privacy promise: browsing
  sets none until the shopper acts) whose 200 response sets no cookie and used no
  CSP nonce gets `Cache-Control: public, max-age=0, s-maxage=STOREFRONT_SHARED_MAX_AGE`
  and an `xkey` header naming what the page shows (`storefront-alice product-42 menu
  policy catalog ...`); `Vary: DNT, Sec-GPC` comes from the tracking middleware;
- anything else (a session, an opt-out cookie, a flash message, a form error) is
  `Cache-Control: private`: rendered at the origin for that shopper only.

A write purges by key after commit (shopsocial/invalidation.py), so the next request
shows it. Views add the keys of the rows they show with `surrogate_keys_add`.

These pages read the primary even where the replica may serve (an anonymous GET,
shopsocial/db_router.py): a page or `{% cache %}` fragment rendered from a replica
that has not yet replayed a write would be kept after that write's purge, and shown
until the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

from shopsocial.db_router import primary_reads
from shopsocial.invalidation import (
    CACHE_ALIAS,
    EVERY_PAGE_KEYS,
    MENU_FRAGMENT,
    PRODUCT_CARD_FRAGMENT,
    fragment_key,
    page_cache_keys,
    product_fragment_keys,
    storefront_header_keys,
    storefront_key,
)

XKEY_HEADER = "xkey"


def surrogate_keys_add(request: HttpRequest, keys: Iterable[str]) -> None:
    """Tag this request's page with `keys` (the rows it shows)."""
    request.__dict__.setdefault("surrogate_keys", set()).update(keys)


def product_keys(products: Iterable) -> list[str]:
    return [f"product-{product.pk}" for product in products]


def storefront_page_keys(request: HttpRequest) -> list[str]:
    """`page_cache_keys` and, on a storefront page (either host), its header fragments."""
    from shopsocial.urls_util import home_url_name

    from .cart import Cart

    keys = page_cache_keys(request)
    tenant = getattr(request, "tenant", None)
    match = getattr(request, "resolver_match", None)
    if tenant is None or match is None or "backoffice" in (match.url_name or ""):
        return keys
    user = getattr(request, "user", None)
    return [
        *keys,
        *storefront_header_keys(
            home_url_name=home_url_name(request),
            slug="" if tenant.is_company else tenant.slug,
            site_name=tenant.display_name,
            signed_in=bool(user is not None and user.is_authenticated),
            cart_count=Cart(request).count(),
        ),
    ]


def fragments_prefetch(
    request: HttpRequest,
    *,
    products: Iterable = (),
    current_category_slug: str | None = None,
    product_page=None,
) -> list:
    """Read the page's `{% cache %}` fragments in one round trip before it renders: the
    cards of `products`, the menu with that category current, and the product page's
    own fragments (`product_page`). Returns the products whose card is not kept (what
    the template will render)."""
    from django.core.cache import caches

    products = list(products)
    cache = caches[CACHE_ALIAS]
    if not hasattr(cache, "prefetch"):
        return products
    keys = storefront_page_keys(request)  # the same MGET as the context processor's
    keys += [fragment_key(PRODUCT_CARD_FRAGMENT, product.pk) for product in products]
    if product_page is not None:
        keys += product_fragment_keys(product_page.pk)
    if current_category_slug is not None:
        keys.append(fragment_key(MENU_FRAGMENT, current_category_slug))
    present = cache.prefetch(keys)
    return [p for p in products if fragment_key(PRODUCT_CARD_FRAGMENT, p.pk) not in present]


def fragment_kept(request: HttpRequest, name: str, *vary_on: object) -> bool:
    """Whether the fragment `name` (shopsocial/invalidation.py) is in the shared cache, as
    read by this request's prefetch (no round trip for a key it read)."""
    from django.core.cache import caches

    cache = caches[CACHE_ALIAS]
    if not hasattr(cache, "prefetch"):
        return False
    return bool(cache.prefetch([fragment_key(name, *vary_on)]))


def _shareable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("HTTP_COOKIE")  # Varnish passes every request with one
        and not request.META.get("HTTP_AUTHORIZATION")
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not get_nonce(request)  # a nonce is for one response only
        and "private" not in response.get("Cache-Control", "")
    )


def shared_page_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Mark `response` public with its surrogate keys, or private (see above)."""
    if _shareable(request, response):
        tenant = getattr(request, "tenant", None)
        keys = set(getattr(request, "surrogate_keys", ())) | set(EVERY_PAGE_KEYS)
        if tenant is not None:
            keys.add(storefront_key(tenant.slug))
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=settings.STOREFRONT_SHARED_MAX_AGE
        )
        response[XKEY_HEADER] = " ".join(sorted(keys))
        # A validator lets Varnish answer a browser's revalidation (max-age=0: every
        # reload and back/forward) with a 304 and no body, from the object it keeps.
        set_response_etag(response)
    else:
        patch_cache_control(response, private=True)
    patch_vary_headers(response, ("DNT", "Sec-GPC"))
    return response


def shared_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page an HTTP cache may keep for anonymous visitors (see above)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with primary_reads():  # what is kept is never what a lagging replica shows
            response = view(request, *args, **kwargs)
        return shared_page_headers(request, response)

    return wrapped
