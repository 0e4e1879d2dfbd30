"""Only `/bench/hello/`, for the bare-Django baseline of bench/storefront.py."""

from django.urls import path

from bench.storefront_urls import hello

urlpatterns = [path("bench/hello/", hello)]
