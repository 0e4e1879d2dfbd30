"""robots.txt and sitemap.xml, on the company site and on every storefront (its own host)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django_tenants.utils import get_public_schema_name

from .feed import COMPANY_SITE_NAME, merchant_feed_xml
from .selectors import ROBOTS_DISALLOW, sitemap_entries


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    context = {
        "disallow": ROBOTS_DISALLOW,
        "sitemap_url": request.build_absolute_uri("/sitemap.xml"),
    }
    return render(request, "seo/robots.txt", context, content_type="text/plain; charset=utf-8")


@require_safe
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    urls = [(request.build_absolute_uri(entry.path), entry.lastmod) for entry in sitemap_entries()]
    return render(
        request, "seo/sitemap.xml", {"urls": urls}, content_type="application/xml; charset=utf-8"
    )


@require_safe
def merchant_feed(request: HttpRequest) -> HttpResponse:
    """The Google Merchant product feed of this host (items link to the company site)."""
    tenant = request.tenant
    on_storefront = tenant.schema_name != get_public_schema_name()
    title = tenant.display_name if on_storefront else COMPANY_SITE_NAME
    body = merchant_feed_xml(
        title=title, home_url=request.build_absolute_uri("/"), absolute=request.build_absolute_uri
    )
    return HttpResponse(body, content_type="application/rss+xml; charset=utf-8")
