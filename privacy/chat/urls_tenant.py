"""Storefronts: the person's chat only."""

from .urls import urlpatterns

__all__ = ["urlpatterns"]
