from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from orders.selectors import shipping_methods_active
from storefront.caching import shared_page, surrogate_keys_add

from .blocks import body_blocks
from .models import ShopPage
from .selectors import shop_page_get


@require_safe
@shared_page
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = shop_page_get(slug=slug)
    if page is None:
        raise Http404("No such page")
    surrogate_keys_add(request, [f"shoppage-{page.pk}"])
    context = {"page": page, "blocks": body_blocks(page.body)}
    if page.slug == ShopPage.Slug.SHIPPING:
        # One source for delivery times (issue 28): the methods checkout offers, as it shows them.
        context["shipping_methods"] = shipping_methods_active()
        surrogate_keys_add(request, ["shipping"])  # a method's change purges the page
    return render(request, "pages/detail.html", context)
