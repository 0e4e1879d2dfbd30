"""Storefronts: the same newsletter, unsubscribe and survey routes as the company site."""

from .urls import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
