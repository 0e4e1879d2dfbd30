"""Company site: the shared routes plus the mail provider's tracking webhook.

Only the configured provider's tracking URL is routed (Postmark; basic auth with
ANYMAIL_WEBHOOK_SECRET): the other anymail webhook views fail on every request when
their provider is not configured.
"""

from django.urls import path

from . import views
from .urls import app_name
from .urls import urlpatterns as shared

__all__ = ["app_name", "urlpatterns"]

urlpatterns = [
    *shared,
    path(
        "webhooks/anymail/postmark/tracking/",
        views.postmark_tracking_webhook,
        name="postmark_tracking_webhook",
    ),
]
