"""URLs of a retailer's storefront (<slug>.<domain>): tenant schemas."""

from django.conf import settings
from django.urls import include, path

from shopsocial import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", include("privacy.urls_tenant")),
    path("", include("privacy.marketing.urls_tenant")),
    path("", include("orders.urls_tenant")),
    path("", include("storefront.urls_tenant")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
