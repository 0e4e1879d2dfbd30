"""Return URLs on every shop host (included by orders/urls_tenant.py)."""

from django.urls import path

from . import views

storefront = [
    path(
        "orders/status/<str:token>/return/",
        views.return_request_by_link,
        name="return-request-link",
    ),
    path(
        "account/orders/<str:number>/return/",
        views.return_request_in_account,
        name="return-request-account",
    ),
]
