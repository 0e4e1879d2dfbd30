"""Host routing: the company site on the bare domain and www, a storefront per subdomain.

The host -> retailer lookup is `retailers.hostmap` (the shared cache, no query once warm).
"""

from __future__ import annotations

from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from .hostmap import retailer_for_hostname


class RetailerTenantMiddleware(TenantMainMiddleware):
    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        from shopsocial.urls_util import company_url

        html = render_to_string(
            "errors/no_such_shop.html",
            {"hostname": hostname, "company_url": company_url(), "link_origin": company_url("")},
            request=request,
        )
        return HttpResponse(html, status=404)

    def process_request(self, request: HttpRequest):
        # django-tenants' own steps, minus a schema switch: the lookup is in memory
        # and sets the public schema itself when it has to query.
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return HttpResponseNotFound()
        tenant = retailer_for_hostname(hostname)
        if tenant is None:
            connection.set_schema_to_public()
            return self.no_tenant_found(request, hostname)
        tenant.domain_url = hostname
        request.tenant = tenant
        connection.set_tenant(tenant)
        self.setup_url_routing(request)
        if not tenant.is_company and not tenant.is_active:
            connection.set_schema_to_public()
            html = render_to_string(
                "errors/shop_closed.html", {"retailer": tenant}, request=request
            )
            return HttpResponse(html, status=503)
        return None
