from django.urls import path

from . import views

urlpatterns = [
    path("", views.company_home, name="company-home"),
    path("find-a-retailer/", views.retailer_finder, name="company-retailer-finder"),
]
