"""Storefront hosts serve the same privacy pages as the company site."""

from .urls_public import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
