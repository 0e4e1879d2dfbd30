"""Company host: shopper sign-in, checkout (the company site sells too), the gateway
webhook and the offline gateway's hosted page."""

from django.urls import URLPattern, path

from . import views
from .accounts import urls as account_urls
from .accounts import views as accounts
from .autoship import urls as autoship_urls
from .gateways import offline_gateway_in_use
from .urls_tenant import checkout


def offline_gateway_urlpatterns() -> list[URLPattern]:
    """The offline gateway's hosted page: mounted only while that gateway is in use."""
    if not offline_gateway_in_use():
        return []
    from .gateways import offline_views

    return [
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
        # Payouts (issue 26): the offline stand-in for Stripe Connect onboarding.
        path(
            "offline-gateway/connect/<str:account_id>/",
            offline_views.offline_connect_page,
            name="offline-gateway-connect",
        ),
        path(
            "offline-gateway/connect/<str:account_id>/submit/",
            offline_views.offline_connect_submit,
            name="offline-gateway-connect-submit",
        ),
    ]


app_name = "orders"

urlpatterns = [
    # One shopper account for every host; sign-in also serves the company host's
    # privacy pages (/privacy/my-data/).
    path("account/signup/", accounts.account_signup, name="account-signup"),
    path("account/login/", accounts.account_login, name="account-login"),
    path("account/logout/", accounts.account_logout, name="account-logout"),
    *account_urls.shopper,
    *checkout,
    path("webhooks/stripe/", views.gateway_webhook, name="gateway-webhook"),
    *offline_gateway_urlpatterns(),
    *autoship_urls.company,  # autoship (issue 27): the retailer's back-office list
]
