"""The company host's URLs plus `/bench/hello/`: a bare Django view on the same stack."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from shopsocial.urls_public import urlpatterns as public_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *public_urlpatterns]
