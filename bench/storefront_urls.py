"""The storefront URLs plus `/bench/hello/`: a bare Django view on the same stack."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from shopsocial.urls_tenant import urlpatterns as tenant_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *tenant_urlpatterns]
