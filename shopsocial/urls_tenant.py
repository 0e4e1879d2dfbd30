"""URLs of a retailer's storefront (<slug>.<domain>): tenant schemas."""

from django.urls import include, path

from shopsocial import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Browsers and bots that ignore <link rel="icon"> ask for /favicon.ico.
    path("favicon.ico", views.favicon, name="favicon"),
    # Uploaded images, with safe headers (MEDIA_URL is /media/).
    path("media/<path:path>", views.media, name="media"),
    path("", include("privacy.urls_tenant")),
    path("", include("privacy.chat.urls_tenant")),
    path("", include("privacy.marketing.urls_tenant")),
    path("", include("orders.urls_tenant")),
    path("", include("storefront.pages.urls")),
    path("", include("storefront.urls_tenant")),
    path("", include("storefront.scenes.urls_tenant")),
]
