from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from storefront.caching import shared_page, surrogate_keys_add

from .blocks import body_blocks
from .selectors import shop_page_get


@require_safe
@shared_page
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = shop_page_get(slug=slug)
    if page is None:
        raise Http404("No such page")
    surrogate_keys_add(request, [f"shoppage-{page.pk}"])
    return render(request, "pages/detail.html", {"page": page, "blocks": body_blocks(page.body)})
