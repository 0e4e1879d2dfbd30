from django.urls import path

from . import views

app_name = "company"

urlpatterns = [
    path("", views.company_home, name="home"),
    path("find-a-retailer/", views.retailer_finder, name="retailer-finder"),
]
