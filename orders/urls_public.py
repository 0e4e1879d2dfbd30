"""Company host: shopper sign-in, the gateway webhook and the offline gateway's hosted page."""

from django.urls import path

from . import accounts, views
from .gateways import offline_views

app_name = "orders"

urlpatterns = [
    # One shopper account for every host; sign-in also serves the company host's
    # privacy pages (/privacy/my-data/).
    path("account/signup/", accounts.account_signup, name="account-signup"),
    path("account/login/", accounts.account_login, name="account-login"),
    path("account/logout/", accounts.account_logout, name="account-logout"),
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
