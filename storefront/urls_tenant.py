from django.urls import path

from . import views

urlpatterns = [
    path("", views.storefront_home, name="storefront-home"),
    path("c/<slug:slug>/", views.category_detail, name="storefront-category"),
    path("p/<slug:slug>/", views.product_detail, name="storefront-product"),
    path("search/", views.search, name="storefront-search"),
    path("cart/", views.cart_detail, name="storefront-cart"),
    path("cart/add/", views.cart_add, name="storefront-cart-add"),
    path("cart/update/", views.cart_update, name="storefront-cart-update"),
    path("cart/remove/", views.cart_remove, name="storefront-cart-remove"),
]
