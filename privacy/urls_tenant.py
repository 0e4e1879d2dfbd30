from django.urls import path

from . import views

urlpatterns = [
    path("privacy/", views.policy, name="privacy-policy"),
]
