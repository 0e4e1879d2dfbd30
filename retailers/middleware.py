"""Host routing: the company site on the bare domain and www, a storefront per subdomain.

The host -> retailer lookup is `retailers.hostmap` (process memory, no query once warm).
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from .hostmap import retailer_for_hostname


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
