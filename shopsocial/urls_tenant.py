"""URLs of a retailer's storefront (<slug>.<domain>): tenant schemas."""

from django.urls import include, path

from shopsocial import health, views

# Django tries patterns in order and, for every include that does not match, builds
# the list of patterns it tried (for the 404 debug page): the browsing pages come first
# (measured: "/" last cost about 100 µs a request). No two includes share a path.
urlpatterns = [
    path("", include("storefront.urls_tenant")),
    path("", include("privacy.urls_tenant")),
    path("healthz", health.healthz, name="healthz"),  # ops: process only
    path("readyz", health.readyz, name="readyz"),  # scale
    # Browsers and bots that ignore <link rel="icon"> ask for /favicon.ico.
    path("favicon.ico", views.favicon, name="favicon"),
    # Uploaded images, with safe headers (MEDIA_URL is /media/).
    path("media/<path:path>", views.media, name="media"),
    path("", include("privacy.chat.urls_tenant")),
    path("", include("privacy.marketing.urls_tenant")),
    path("", include("orders.urls_tenant")),
    path("", include("storefront.pages.urls")),
    path("", include("storefront.scenes.urls_tenant")),
    # shop2 (#28): robots.txt and sitemap.xml on every host.
    path("", include("storefront.seo.urls")),
    path("", include("storefront.reviews.urls")),  # reviews (issue 28)
]

# scale: the database away for a moment answers a 503 "try again" page (shopsocial/health.py)
handler500 = "shopsocial.health.server_error"
