"""The company's one catalog (public schema), sold on every storefront."""

from decimal import Decimal

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from shopsocial.versions import VersionedModel, VersionedQuerySet


class Category(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def get_absolute_url(self) -> str:
        return f"/c/{self.slug}/"

    def clean(self) -> None:
        # One level of nesting: a sub-category's parent is a top-level category.
        if self.parent_id is None:
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "A category cannot be its own parent."})
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": "Choose a top-level category as the parent."})
        if self.pk and self.children.exists():
            raise ValidationError({"parent": "This category has sub-categories of its own."})


class ProductQuerySet(VersionedQuerySet):
    # Stock moves by queryset updates (order placement, cancellation): pages
    # showing stock are keyed by the "stock" version, so they refresh at once.
    version_name = "stock"


class Product(VersionedModel, models.Model):
    """Never hard-deleted once it may have been ordered: deactivate instead."""

    sku = models.CharField("SKU", max_length=32, unique=True)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    currency = models.CharField(max_length=3, default="USD")
    active = models.BooleanField(default=True)
    stock = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Full-text search document, kept by PostgreSQL itself (a stored generated column).
    search_vector = models.GeneratedField(
        expression=SearchVector("name", weight="A", config="english")
        + SearchVector("sku", weight="A", config="simple")
        + SearchVector("description", weight="B", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    version_name = "stock"  # saves too (storefront/caching.py)
    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="product_search_gin"),
            models.Index(fields=["category", "active", "price"], name="product_cat_price_idx"),
            models.Index(
                fields=["category", "active", "-created_at"], name="product_cat_newest_idx"
            ),
            models.Index(fields=["active", "-created_at"], name="product_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    def get_absolute_url(self) -> str:
        return f"/p/{self.slug}/"

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="products/")
    alt_text = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text
