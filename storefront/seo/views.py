"""robots.txt and sitemap.xml, on the company site and on every storefront (its own host)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

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
