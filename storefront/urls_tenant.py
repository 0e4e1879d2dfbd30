from django.urls import path

from . import views

urlpatterns = [
    path("", views.storefront_home, name="storefront-home"),
]
