"""Storefront hosts serve the same privacy pages as the company site."""

from .urls_public import urlpatterns

__all__ = ["urlpatterns"]
