"""URLs of the company site (bare domain and www): public tenant."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from shopsocial import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("privacy.urls_public")),
    path("", include("privacy.marketing.urls_public")),
    path("", include("retailers.urls_public")),
    path("", include("orders.urls_public")),
    path("", include("storefront.urls_public")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
