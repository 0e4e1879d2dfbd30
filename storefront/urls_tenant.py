from django.urls import path

from . import views

app_name = "storefront"

# The shop: served on every storefront and on the company site (urls_company_shop.py).
shop = [
    path("c/<slug:slug>/", views.category_detail, name="category"),
    path("p/<slug:slug>/", views.product_detail, name="product"),
    path("search/", views.search, name="search"),
    path("cart/", views.cart_detail, name="cart"),
    path("cart/add/", views.cart_add, name="cart-add"),
    path("cart/update/", views.cart_update, name="cart-update"),
    path("cart/remove/", views.cart_remove, name="cart-remove"),
    path("cart/autoship/", views.cart_autoship, name="cart-autoship"),  # autoship (issue 27)
]

urlpatterns = [
    path("", views.storefront_home, name="home"),
    *shop,
]
