"""URLs of the company site (bare domain and www): public tenant."""

from django.contrib import admin
from django.urls import include, path

from orders.accounts import urls as account_urls
from shopsocial import health, metrics, private_files, views

# The company home, finder and shop first: Django builds the list of tried patterns
# for every include before the match (shopsocial/urls_tenant.py; bench/README.md).
urlpatterns = [
    path("", include("storefront.urls_public")),
    path("", include("storefront.urls_company_shop")),
    path("healthz", health.healthz, name="healthz"),  # ops: process only
    # --- scale: readiness for the load balancer, metrics for allow-listed scrapers
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    # --- end scale
    # Browsers and bots that ignore <link rel="icon"> ask for /favicon.ico.
    path("favicon.ico", views.favicon, name="favicon"),
    # Uploaded images, with safe headers (MEDIA_URL is /media/).
    path("media/<path:path>", views.media, name="media"),
    # Staff and retailer password recovery (before the admin's own admin/ URLs).
    path("", include(account_urls.company)),
    # Private files (breach lists, exports): staff with the kind's permission, logged.
    path(
        "admin/private-files/<path:path>",
        private_files.private_file_download,
        name="private_file",
    ),
    path("admin/", admin.site.urls),
    path("", include("privacy.urls_public")),
    path("", include("privacy.chat.urls_public")),
    path("", include("privacy.marketing.urls_public")),
    path("", include("retailers.urls_public")),
    path("", include("orders.urls_public")),
    path("", include("storefront.pages.urls")),
    # shop2 (#28): robots.txt and sitemap.xml on every host.
    path("", include("storefront.seo.urls")),
    path("", include("storefront.reviews.urls")),  # reviews (issue 28)
]

# scale: the database away for a moment answers a 503 "try again" page (shopsocial/health.py)
handler500 = "shopsocial.health.server_error"
