"""Host routing: the company site on the bare domain and www, a storefront per subdomain.

The host -> retailer map is cached (the "shared" cache alias) so that a request
costs no Domain query once warm; `retailer_cache_invalidate` drops an entry when
a retailer or its domain changes.
"""

from __future__ import annotations

from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from .models import Domain, Retailer

CACHE_TTL = 300


def _cache_key(hostname: str) -> str:
    return f"tenant-host:{hostname}"


def retailer_cache_invalidate(*, hostnames: list[str]) -> None:
    caches["shared"].delete_many([_cache_key(h) for h in hostnames])


def retailer_for_hostname(hostname: str) -> Retailer | None:
    cache = caches["shared"]
    key = _cache_key(hostname)
    retailer = cache.get(key)
    if retailer is None:
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        if domain is None:
            return None
        retailer = domain.tenant
        cache.set(key, retailer, CACHE_TTL)
    return retailer


class RetailerTenantMiddleware(TenantMainMiddleware):
    def get_tenant(self, domain_model, hostname):
        retailer = retailer_for_hostname(hostname)
        if retailer is None:
            raise domain_model.DoesNotExist
        return retailer

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        from shopsocial.urls_util import company_url

        html = render_to_string(
            "errors/no_such_shop.html",
            {"hostname": hostname, "company_url": company_url()},
            request=request,
        )
        return HttpResponse(html, status=404)

    def process_request(self, request: HttpRequest):
        response = super().process_request(request)
        if response is not None:
            return response
        tenant = request.tenant
        if not tenant.is_company and not tenant.is_active:
            connection.set_schema_to_public()
            html = render_to_string(
                "errors/shop_closed.html", {"retailer": tenant}, request=request
            )
            return HttpResponse(html, status=503)
        return None
