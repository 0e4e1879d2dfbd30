"""The company site sells the catalog too: the storefront's shop pages on the public host.

Same names as on a storefront ("storefront:cart"), so every shop template works on both
hosts; "storefront:home" is the company home here.
"""

from django.urls import path

from . import views
from .urls_tenant import shop

app_name = "storefront"

urlpatterns = [
    path("", views.company_home, name="home"),
    *shop,
]
