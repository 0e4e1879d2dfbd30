"""Storefronts: the same newsletter, unsubscribe and survey routes as the company site."""

from .urls import urlpatterns

__all__ = ["urlpatterns"]
