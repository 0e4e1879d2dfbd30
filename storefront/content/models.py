"""Tenant tables: each retailer schema holds one profile and its featured products.

Keep this app small: every migration here runs once per retailer. Products are
referenced by plain id (public rows cannot be deleted while tenant rows point at
them, and catalog items are only ever deactivated).
"""

from django.db import models

from shopsocial.invalidation import InvalidatingQuerySet


class StorefrontProfile(models.Model):
    about = models.TextField(blank=True)
    photo = models.ImageField(upload_to="retailers/", blank=True)
    photo_alt = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvalidatingQuerySet.as_manager()  # writes purge this storefront's pages

    def __str__(self) -> str:
        return "Storefront profile"


class FeaturedProduct(models.Model):
    product_id = models.BigIntegerField(unique=True)
    position = models.PositiveIntegerField(default=0)

    objects = InvalidatingQuerySet.as_manager()  # writes purge this storefront's pages

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"Featured product #{self.product_id}"
