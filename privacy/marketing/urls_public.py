"""Company site: the shared routes plus anymail's webhooks (tracking feeds suppression)."""

from django.urls import include, path

from .urls import urlpatterns as shared

urlpatterns = [
    *shared,
    # e.g. /webhooks/anymail/postmark/tracking/ (basic auth: ANYMAIL_WEBHOOK_SECRET)
    path("webhooks/anymail/", include("anymail.urls")),
]
