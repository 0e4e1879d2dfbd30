"""Storefront pages (retailer hosts) and the company home (public host).

Views parse the request, call one selector or cart operation, and respond. GET
pages never create a session: an anonymous shopper gets no cookie until they add
something to the cart. Browsing pages are `shared_page`s: an HTTP cache in front
keeps the anonymous ones, tagged with the keys of what they show
(storefront/caching.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from orders.selectors import bestsellers, retailers_best_selling
from orders.services.holds import stock_holds_due, stock_holds_release_due
from retailers.finder import retailer_find
from shopsocial.invalidation import PRODUCT_PAGE_FRAGMENT, PRODUCT_PAGE_PARTS
from shopsocial.search_text import SEARCH_MAX_LENGTH, search_text_clean
from shopsocial.urls_util import company_url

from .caching import (
    fragment_kept,
    fragments_prefetch,
    product_keys,
    shared_page,
    surrogate_keys_add,
)
from .cart import MAX_LINE_QUANTITY, Cart, CartError, variant_display_name
from .content.selectors import featured_product_ids, storefront_profile_get
from .forms import CartAddForm, CartAutoshipForm, CartRemoveForm, CartUpdateForm, first_error
from .models import Product, ProductVariant
from .reviews.selectors import product_rating_summary, reviews_approved_for_product
from .scenes.selectors import attribution_parse
from .search import product_search, search_terms_parse
from .selectors import (
    Sort,
    category_get,
    category_products_page,
    category_tree,
    product_get,
    product_images_prefetch,
    product_og_image_path,
    product_page_get,
    product_related_prefetch,
    products_by_ids,
)
from .seo.selectors import product_canonical_url, product_json_ld
from .variants import (
    VariantPickError,
    option_groups,
    price_range,
    variant_default,
    variant_gallery,
    variant_resolve,
    variants_json,
    variants_on_sale,
)

_ID_RE = re.compile(r"[0-9]{1,18}")
_SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,140}")


def _parse_id(value: object) -> int | None:
    """A database id from form text (ASCII digits only), or None."""
    text = str(value or "").strip()
    return int(text) if _ID_RE.fullmatch(text) else None


def _page_param(request: HttpRequest) -> str:
    value = request.GET.get("page", "1")
    return value if re.fullmatch(r"[0-9]{1,6}", value) else "1"


# --- Company site ---------------------------------------------------------------
@require_safe
@shared_page
def company_home(request: HttpRequest) -> HttpResponse:
    featured = bestsellers()
    surrogate_keys_add(request, ["bestsellers", *product_keys(featured)])
    fragments_prefetch(request, products=featured)
    return render(request, "company/home.html", {"featured": featured})


@require_safe
@shared_page
def retailer_finder(request: HttpRequest) -> HttpResponse:
    raw = search_text_clean(request.GET.get("q"))
    text = raw[:SEARCH_MAX_LENGTH]
    # Arriving from a product tile on the company site: results link to that product.
    product_slug = request.GET.get("product", "")[:140]
    product = product_get(slug=product_slug) if _SLUG_RE.fullmatch(product_slug) else None
    context = {
        "query": text,
        "too_long": len(raw) > SEARCH_MAX_LENGTH,
        "searched": bool(text),
        "result": retailer_find(text=text, featured=retailers_best_selling),
        "product": product,
    }
    surrogate_keys_add(request, ["retailers", *product_keys([product] if product else [])])
    return render(request, "company/find_retailer.html", context)


# --- Storefront -----------------------------------------------------------------
@require_safe
@shared_page
def storefront_home(request: HttpRequest) -> HttpResponse:
    retailer = request.tenant
    featured = products_by_ids(ids=featured_product_ids(retailer=retailer), images=False)
    shown = featured or bestsellers(images=False)
    # "bestsellers": every product write purges it (a featured product made active again,
    # a new product padding the bestsellers), shopsocial/invalidation.py.
    surrogate_keys_add(request, ["bestsellers", *product_keys(shown)])
    # Pictures are read only for the cards the shared cache does not keep.
    product_images_prefetch(fragments_prefetch(request, products=shown))
    context = {
        "profile": storefront_profile_get(retailer=retailer),
        "featured": shown,
        "featured_is_retailers_choice": bool(featured),
        "categories": category_tree(),
    }
    return render(request, "storefront/home.html", context)


@require_safe
@shared_page
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = category_get(slug=slug)
    if category is None:
        raise Http404("No such category")
    sort = Sort.parse(request.GET.get("sort"))
    page = _page_param(request)
    context = {
        "category": category,
        "current_category_slug": category.slug,
        "sort": sort,
        "sort_choices": [(key, label) for key, (label, _) in Sort.CHOICES.items()],
        "page_number": page,
        "query_prefix": f"sort={sort}&",
        "page_obj": category_products_page(category=category, sort=sort, page=page, images=False),
    }
    # The listing shows its sub-categories' products too: a write to one purges it.
    category_keys = [f"category-{pk}" for pk in category.ids]
    surrogate_keys_add(request, [*category_keys, *product_keys(context["page_obj"])])
    # Pictures are read only for the cards the shared cache does not keep.
    product_images_prefetch(
        fragments_prefetch(
            request, products=context["page_obj"], current_category_slug=category.slug
        )
    )
    return render(request, "storefront/category.html", context)


class _once[T]:  # noqa: N801 - used as a decorator
    """A context value built where the template first reads it, then kept: nothing is
    built for what a kept `{% cache %}` fragment shows. (Not `functools.cache`: its
    wrapper costs about 5 µs to make, and a product page makes ten.)"""

    __slots__ = ("_build", "_value")
    _UNSET = object()

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: object = self._UNSET

    def __call__(self) -> T:
        if self._value is self._UNSET:
            self._value = self._build()
        return self._value  # type: ignore[return-value]


def product_page_render(
    request: HttpRequest,
    product: Product,
    *,
    error: str = "",
    quantity: str = "1",
    chosen: ProductVariant | None = None,
    status=200,
    extra: dict | None = None,
) -> HttpResponse:
    """The product page. `product` may come without its images and variants
    (`product_get(related=False)`): they are read only when the page as every shopper
    first sees it (no variant named, no form error) is not kept as a fragment."""
    surrogate_keys_add(request, [f"product-{product.pk}", "shipping"])
    fragments_prefetch(request, products=[product], product_page=product)
    # The plain page is kept whole in the shared cache (shopsocial/invalidation.py
    # deletes it with the product's other fragments); a named variant, a form error or a
    # share link's attribution renders it for this request only.
    keep = chosen is None and not error and quantity == "1" and not extra and status == 200
    kept = all(
        fragment_kept(request, PRODUCT_PAGE_FRAGMENT, product.pk, part)
        for part in PRODUCT_PAGE_PARTS
    )
    if not (keep and kept):
        product_related_prefetch(product)

    @_once
    def variant() -> ProductVariant | None:
        return chosen or variant_default(product)

    @_once
    def gallery_images() -> list:
        return variant_gallery(product, variant())

    @_once
    def rating():
        return product_rating_summary(product_id=product.pk)

    @_once
    def reviews() -> list:
        return (
            list(reviews_approved_for_product(product_id=product.pk)[:5]) if rating().count else []
        )

    @_once
    def json_ld() -> str:
        images = gallery_images()
        return product_json_ld(
            product=product,
            variant=variant(),
            # The company site's address, as the canonical URL: the same on every host.
            image_url=urljoin(company_url(), images[0].image.url) if images else "",
            rating=(rating().average, rating().count) if rating().count else None,
            reviews=reviews(),
        )

    context = {
        "product": product,
        "keep_page": keep,
        "variant": variant,
        "option_groups": _once(lambda: option_groups(product, chosen=variant())),
        "variants": _once(lambda: variants_on_sale(product)),
        "variants_json": _once(lambda: variants_json(product)),
        "price_range": _once(lambda: price_range(product)),
        "gallery_images": gallery_images,
        "error": error,
        "quantity": quantity,
        "max_quantity": _once(
            lambda: min(variant().stock if variant() else 0, MAX_LINE_QUANTITY) or MAX_LINE_QUANTITY
        ),
        # Shared without the query string (a share link never carries a search or token).
        "share_url": request.build_absolute_uri(request.path),
        "autoship_discount_percent": settings.AUTOSHIP_DISCOUNT_PERCENT,
        # Search engines (#28): one canonical URL for the product on every host, and its
        # JSON-LD; reviews (issue 28): the average and the latest approved reviews.
        "canonical_url": product_canonical_url(product),
        "product_json_ld": json_ld,
        "rating": rating,
        "reviews": reviews,
        "og_image_path": product_og_image_path(product),
        **(extra or {}),
    }
    return render(request, "storefront/product.html", context, status=status)


@require_safe
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Expired checkout holds give their stock back first: every one on this product (so
    # a backlog behind beat never shows it sold out), and a few of the others.
    if stock_holds_due():
        variants = ProductVariant.objects.filter(product__slug=slug)
        stock_holds_release_due(variant_ids=variants.values_list("pk", flat=True))
        stock_holds_release_due()
    return _product_detail_page(request, slug)


@shared_page
def _product_detail_page(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_page_get(slug=slug)
    if product is None:
        raise Http404("No such product")
    # A shared link or a no-JavaScript "show" may name the variant: ?option1=Cedar&...
    chosen = None
    if any(f"option{i}" in request.GET for i in (1, 2, 3)) or "variant_id" in request.GET:
        product_related_prefetch(product)
        try:
            chosen = variant_resolve(product, request.GET)
        except VariantPickError:
            chosen = None
    return product_page_render(request, product, chosen=chosen)


@require_safe
@shared_page
def search(request: HttpRequest) -> HttpResponse:
    terms = search_terms_parse(request.GET.get("q"))
    result = product_search(terms=terms, page=_page_param(request))
    surrogate_keys_add(request, ["search"])
    fragments_prefetch(request, products=result.page.object_list if result.page else ())
    context = {
        "terms": terms,
        "page_obj": result.page,
        "suggestion": result.suggestion,
        "corrected": result.corrected,
        "max_length": SEARCH_MAX_LENGTH,
        "query_prefix": urlencode({"q": terms.text}) + "&",
    }
    return render(request, "storefront/search.html", context)


# --- Cart -------------------------------------------------------------------------
def _cart_page(
    request: HttpRequest,
    *,
    error: str = "",
    error_variant_id: int | None = None,
    typed: str = "",
    status=200,
) -> HttpResponse:
    stock_holds_release_due()  # expired checkout holds give their stock back first
    cart = Cart(request)
    if not cart.is_empty():  # and every expired hold on what the cart holds
        stock_holds_release_due(variant_ids=cart.variant_ids())
    removed = cart.remove_unavailable() if not cart.is_empty() else []
    lines = cart.lines()
    context = {
        "lines": lines,
        "subtotal": sum((line.line_total for line in lines), start=0),
        "removed": removed,
        "error": error,
        "error_variant_id": error_variant_id,
        "typed": typed,
        "has_stock_problem": any(line.exceeds_stock for line in lines),
        "autoship_chosen": any(line.every_weeks for line in lines),
        "autoship_discount_percent": settings.AUTOSHIP_DISCOUNT_PERCENT,
        "max_quantity": MAX_LINE_QUANTITY,
    }
    return render(request, "storefront/cart.html", context, status=status)


@require_safe
def cart_detail(request: HttpRequest) -> HttpResponse:
    return _cart_page(request)


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = CartAddForm(request.POST)
    product_id = _parse_id(form.data.get("product_id"))
    stock_holds_release_due()
    if product_id is None:
        raise Http404("No such product")
    product = product_get(pk=product_id)
    if product is None:
        withdrawn = Product.objects.filter(pk=product_id).values_list("name", flat=True).first()
        if withdrawn is None:
            raise Http404("No such product")
        messages.error(request, f"Sorry, {withdrawn} is no longer available.")
        return redirect("storefront:cart")
    typed = str(form.data.get("quantity", ""))[:10]
    via = attribution_parse(retailer=request.tenant, value=form.data.get("via"))
    extra = {"attribution": via.value, "link_prefix": via.prefix, **via.context}
    try:
        variant = variant_resolve(product, form.data)
    except VariantPickError as error:
        return product_page_render(
            request, product, error=str(error), quantity=typed, status=400, extra=extra
        )
    # Every expired hold on this variant gives its stock back before the stock check.
    if stock_holds_release_due(variant_ids=[variant.pk]):
        variant.refresh_from_db()
    if not form.is_valid():
        return product_page_render(
            request,
            product,
            error=first_error(form),
            quantity=typed,
            chosen=variant,
            status=400,
            extra=extra,
        )
    cart = Cart(request)
    try:
        quantity = cart.add(variant, form.cleaned_data["quantity"])
    except CartError as error:
        return product_page_render(
            request,
            product,
            error=str(error),
            quantity=typed,
            chosen=variant,
            status=400,
            extra=extra,
        )
    cart.attribution_set(scene=via.scene_code, link=via.link_code)
    autoship = CartAutoshipForm(
        {"variant_id": variant.pk, "every_weeks": form.data.get("every_weeks", "")}
    )
    if autoship.is_valid() and autoship.cleaned_data["every_weeks"]:
        cart.autoship_set(variant.pk, autoship.cleaned_data["every_weeks"])
    messages.success(
        request, f"Added {variant_display_name(variant)} to your cart (now {quantity})."
    )
    return redirect("storefront:cart")


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    form = CartUpdateForm(request.POST)
    variant_id = _parse_id(form.data.get("variant_id"))
    typed = str(form.data.get("quantity", ""))[:10]
    if variant_id is None:
        messages.error(request, "That item is not in your cart.")
        return redirect("storefront:cart")
    if not form.is_valid():
        return _cart_page(
            request,
            error=first_error(form),
            error_variant_id=variant_id,
            typed=typed,
            status=400,
        )
    stock_holds_release_due(variant_ids=[form.cleaned_data["variant_id"]])
    try:
        quantity = Cart(request).set_quantity(
            form.cleaned_data["variant_id"], form.cleaned_data["quantity"]
        )
    except CartError as error:
        return _cart_page(
            request, error=str(error), error_variant_id=variant_id, typed=typed, status=400
        )
    messages.success(request, "Your cart was updated." if quantity else "Item removed.")
    return redirect("storefront:cart")


@require_POST
def cart_autoship(request: HttpRequest) -> HttpResponse:
    """POST variant_id, every_weeks (empty: once): the line's autoship choice."""
    form = CartAutoshipForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose once, or every 4, 8 or 12 weeks.")
        return redirect("storefront:cart")
    try:
        Cart(request).autoship_set(
            form.cleaned_data["variant_id"], form.cleaned_data["every_weeks"]
        )
    except CartError as error:
        messages.error(request, str(error))
        return redirect("storefront:cart")
    weeks = form.cleaned_data["every_weeks"]
    messages.success(request, f"Delivered every {weeks} weeks." if weeks else "Delivered once.")
    return redirect("storefront:cart")


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    form = CartRemoveForm(request.POST)
    if form.is_valid():
        Cart(request).remove(form.cleaned_data["variant_id"])
        messages.success(request, "Item removed from your cart.")
    return redirect("storefront:cart")
