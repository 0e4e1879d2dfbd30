"""Write a review (signed-in account or order-status link) and read a product's reviews."""

from __future__ import annotations

from contextlib import suppress

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from orders.models import OrderLine
from shopsocial.responses import private_response
from storefront.caching import shared_page, surrogate_keys_add
from storefront.selectors import product_get

from .forms import ReviewForm
from .selectors import (
    product_rating_summary,
    review_for_line,
    review_line_for_account,
    review_line_for_status_token,
    reviews_approved_for_product,
)
from .services import ReviewExistsError, review_create

REVIEWS_PER_PAGE = 10


def _review_rate(group, request) -> str:
    return settings.REVIEW_SUBMIT_RATE


def _write(request: HttpRequest, line: OrderLine | None, *, back_url: str) -> HttpResponse:
    if line is None:
        raise Http404("No such order line.")
    context = {"line": line, "product": line.product, "back_url": back_url}
    existing = review_for_line(line=line)
    if existing is not None:
        context["review"] = existing
        return private_response(render(request, "reviews/write.html", context))
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            context.update(form=form, limited=True)
            return private_response(render(request, "reviews/write.html", context, status=429))
        if form.is_valid():
            # Written in another tab meanwhile: the page shows that one.
            with suppress(ReviewExistsError):
                review_create(line=line, **form.cleaned_data)
            return redirect(request.path)
        context["form"] = form
        return private_response(render(request, "reviews/write.html", context, status=400))
    context["form"] = form
    return private_response(render(request, "reviews/write.html", context))


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=_review_rate, method="POST", block=False)
def review_write_account(request: HttpRequest, line_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    line = review_line_for_account(user=request.user, line_id=line_id)
    back = (
        reverse("orders:account-order-detail", args=[line.order.number])
        if line
        else reverse("orders:account-orders")
    )
    return _write(request, line, back_url=back)


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=_review_rate, method="POST", block=False)
def review_write_token(request: HttpRequest, line_id: int, token: str) -> HttpResponse:
    line = review_line_for_status_token(token=token, retailer=request.tenant, line_id=line_id)
    return _write(request, line, back_url=reverse("orders:order-status", args=[token]))


@require_safe
@shared_page
def product_reviews(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_get(slug=slug)
    if product is None:
        raise Http404("No such product")
    surrogate_keys_add(request, [f"product-{product.pk}"])
    paginator = Paginator(reviews_approved_for_product(product_id=product.pk), REVIEWS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "product": product,
        "rating": product_rating_summary(product_id=product.pk),
        "page_obj": page,
        "reviews": page.object_list,
    }
    return render(request, "reviews/product_reviews.html", context)
