"""Served alike on the company host and on every storefront (both urlconfs include it)."""

from django.urls import path

from . import views

app_name = "seo"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    path("feeds/google-merchant.xml", views.merchant_feed, name="merchant-feed"),
]
