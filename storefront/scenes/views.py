"""Scene and share-link pages on a storefront: landing pages, the host's page.

A visit sets no cookie: the scene / link travels in the page (links and the
add-to-cart form carry it) and reaches the cart only when the guest adds something.
Landing pages are served from the shopper page cache (storefront/caching.py) under
the "scenes" version as well, so a scene edited or closed shows at once.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from orders.selectors import bestsellers
from orders.services.holds import stock_holds_release_due
from storefront.caching import product_keys, shared_page, surrogate_keys_add
from storefront.content.selectors import featured_product_ids, storefront_profile_get
from storefront.selectors import category_tree, product_get, products_by_ids

from . import selectors
from .models import Scene, ShareLink


def attribution_value(*, scene: Scene | None = None, link: ShareLink | None = None) -> str:
    """What the add-to-cart form carries: "s:CODE", "l:CODE" or both."""
    parts = []
    if scene is not None and scene.is_open:
        parts.append(f"s:{scene.code}")
    if link is not None:
        parts.append(f"l:{link.code}")
    return ",".join(parts)


def _home(request: HttpRequest, *, prefix: str, attribution: str, **extra) -> HttpResponse:
    retailer = request.tenant
    featured = products_by_ids(ids=featured_product_ids(retailer=retailer))
    shown = featured or bestsellers()
    surrogate_keys_add(request, ["bestsellers", *product_keys(shown)])
    context = {
        "profile": storefront_profile_get(retailer=retailer),
        "featured": shown,
        "featured_is_retailers_choice": bool(featured),
        "categories": category_tree(),
        "link_prefix": prefix,
        "attribution": attribution,
        **extra,
    }
    return render(request, "storefront/home.html", context)


def _product(request, *, slug: str, prefix: str, attribution: str, **extra) -> HttpResponse:
    from storefront.views import product_page_render

    product = product_get(slug=slug)
    if product is None:
        raise Http404("No such product")
    return product_page_render(
        request, product, extra={"link_prefix": prefix, "attribution": attribution, **extra}
    )


def _scene_context(scene: Scene | None, code: str) -> dict:
    if scene is None:
        return {"scene_notice": "We couldn't find that scene. You can still shop here."}
    if not scene.is_open:
        return {
            "scene_notice": f"“{scene.title}” has closed. You can still shop here.",
            "og_title": scene.title,
        }
    return {"scene": scene, "og_title": f"Shopping {scene.host_name}'s {scene.title}"}


@require_safe
@shared_page
def scene_landing(request: HttpRequest, code: str) -> HttpResponse:
    scene = selectors.scene_get_for_storefront(retailer=request.tenant, code=code)
    surrogate_keys_add(request, [f"scene-{scene.pk}"] if scene else ["scenes"])
    live = scene is not None and scene.is_open
    return _home(
        request,
        prefix=f"/s/{scene.code}" if live else "",
        attribution=attribution_value(scene=scene) if live else "",
        **_scene_context(scene, code),
    )


@require_safe
def scene_product(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    stock_holds_release_due()  # expired checkout holds give their stock back first
    return _scene_product_page(request, code, slug)


@shared_page
def _scene_product_page(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    scene = selectors.scene_get_for_storefront(retailer=request.tenant, code=code)
    surrogate_keys_add(request, [f"scene-{scene.pk}"] if scene else ["scenes"])
    live = scene is not None and scene.is_open
    return _product(
        request,
        slug=slug,
        prefix=f"/s/{scene.code}" if live else "",
        attribution=attribution_value(scene=scene) if live else "",
        **_scene_context(scene, code),
    )


@require_safe
def host_page(request: HttpRequest, code: str, token: str) -> HttpResponse:
    scene = selectors.scene_get_for_storefront(retailer=request.tenant, code=code)
    if scene is None or not selectors.scene_from_host_token(scene=scene, token=token):
        raise Http404("No such host page")
    totals = selectors.scene_totals(scene=scene)
    context = {
        "scene": scene,
        "totals": totals,
        "guests": selectors.scene_guests(scene=scene, with_orders=False),
        "progress": selectors.tier_progress(sales=totals.sales),
        "reward": getattr(scene, "reward", None),
    }
    response = render(request, "scenes/host.html", context)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def share_landing(request: HttpRequest, code: str) -> HttpResponse:
    stock_holds_release_due()  # a link may open a product page
    return _share_landing_page(request, code)


@shared_page
def _share_landing_page(request: HttpRequest, code: str) -> HttpResponse:
    link = selectors.share_link_get_for_storefront(retailer=request.tenant, code=code)
    surrogate_keys_add(
        request, [f"sharelink-{link.pk}", *([f"scene-{link.scene_id}"] if link.scene_id else [])]
    )
    if link.target == ShareLink.Target.PRODUCT:
        return _product(
            request,
            slug=link.product.slug,
            prefix=f"/l/{link.code}",
            attribution=attribution_value(link=link),
        )
    scene = link.scene if link.target == ShareLink.Target.SCENE else None
    extra = _scene_context(scene, "") if scene is not None else {}
    return _home(
        request,
        prefix=f"/l/{link.code}",
        attribution=attribution_value(scene=scene, link=link),
        **extra,
    )


@require_safe
def share_product(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    stock_holds_release_due()
    return _share_product_page(request, code, slug)


@shared_page
def _share_product_page(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    link = selectors.share_link_get_for_storefront(retailer=request.tenant, code=code)
    surrogate_keys_add(
        request, [f"sharelink-{link.pk}", *([f"scene-{link.scene_id}"] if link.scene_id else [])]
    )
    scene = link.scene if link.target == ShareLink.Target.SCENE else None
    extra = _scene_context(scene, "") if scene is not None else {}
    return _product(
        request,
        slug=slug,
        prefix=f"/l/{link.code}",
        attribution=attribution_value(scene=scene, link=link),
        **extra,
    )
