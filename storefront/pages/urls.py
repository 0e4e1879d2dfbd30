"""Shop information pages, on the company site and every storefront."""

from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("help/<slug:slug>/", views.page_detail, name="detail"),
]
