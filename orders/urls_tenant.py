"""Storefront (retailer host): checkout and shopper accounts."""

from django.urls import path

from . import views, views_cart
from .accounts import urls as account_urls
from .accounts import views as accounts
from .autoship import urls as autoship_urls
from .returns import urls as returns_urls

app_name = "orders"

# Served on every storefront and on the company site (orders/urls_public.py).
checkout = [
    path("cart/discount/", views_cart.cart_discount, name="cart-discount"),
    path("cart/estimate/", views_cart.cart_estimate, name="cart-estimate"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/success/", views.checkout_success, name="checkout-success"),
    path("checkout/canceled/<str:number>/", views.checkout_canceled, name="checkout-canceled"),
    path("account/orders/", accounts.account_order_list, name="account-orders"),
    path(
        "account/orders/<str:number>/", accounts.account_order_detail, name="account-order-detail"
    ),
    *account_urls.storefront,
    *autoship_urls.storefront,  # autoship (issue 27)
    *returns_urls.storefront,  # returns (issue 28)
]

urlpatterns = [
    *checkout,
    path("account/signup/", accounts.account_signup, name="account-signup"),
    path("account/login/", accounts.account_login, name="account-login"),
    path("account/logout/", accounts.account_logout, name="account-logout"),
    *account_urls.shopper,
]
