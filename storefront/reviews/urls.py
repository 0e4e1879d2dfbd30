"""Reviews: on every storefront and on the company site (both urlconfs include this)."""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("p/<slug:slug>/reviews/", views.product_reviews, name="product"),
    path("account/reviews/<int:line_id>/", views.review_write_account, name="write"),
    path(
        "orders/status/<str:token>/review/<int:line_id>/",
        views.review_write_token,
        name="write-token",
    ),
]
