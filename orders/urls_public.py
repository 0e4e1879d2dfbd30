"""Company host: the gateway webhook and the offline gateway's hosted payment page."""

from django.urls import path

from . import views
from .gateways import offline_views

urlpatterns = [
    path("webhooks/stripe/", views.gateway_webhook, name="gateway-webhook"),
    path(
        "offline-gateway/pay/<str:session_id>/",
        offline_views.offline_pay_page,
        name="offline-gateway-pay",
    ),
    path(
        "offline-gateway/pay/<str:session_id>/submit/",
        offline_views.offline_pay_submit,
        name="offline-gateway-submit",
    ),
]
