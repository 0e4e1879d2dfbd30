"""The company's one catalog (public schema), sold on every storefront."""

from decimal import Decimal

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from shopsocial.images import rendition_name
from shopsocial.invalidation import InvalidatingQuerySet
from shopsocial.urls_util import storefront_path


class Category(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)

    objects = InvalidatingQuerySet.as_manager()  # writes purge cached pages

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def get_absolute_url(self) -> str:
        return storefront_path("storefront:category", slug=self.slug)

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


class Product(models.Model):
    """Never hard-deleted once it may have been ordered: deactivate instead.

    What is sold is a `ProductVariant` (every product has at least one): each has its own
    SKU, price, stock and pictures. A product names up to three options (`option1_name`
    ... e.g. "Scent", "Size"); its variants give their values ("Cedar", "16 oz").
    `price` and `stock` here are denormalised summaries kept by the stock and catalog
    services, for listings, sorting and filters: `price` is the lowest active variant
    price (the "from" price), `stock` the active variants' stock summed.
    """

    class TaxCategory(models.TextChoices):
        TAXABLE = "taxable", "Taxable"
        EXEMPT = "exempt", "Exempt from sales tax"

    sku = models.CharField("SKU", max_length=32, unique=True)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),  # set from the variants (storefront.services)
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    currency = models.CharField(max_length=3, default="USD")
    tax_category = models.CharField(
        max_length=10, choices=TaxCategory.choices, default=TaxCategory.TAXABLE
    )
    active = models.BooleanField(default=True)
    stock = models.PositiveIntegerField(default=0)
    option1_name = models.CharField("option 1", max_length=40, blank=True, help_text='e.g. "Scent"')
    option2_name = models.CharField("option 2", max_length=40, blank=True, help_text='e.g. "Size"')
    option3_name = models.CharField("option 3", max_length=40, blank=True)
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

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="product_search_gin"),
            # Typo-tolerant matching of names (pg_trgm, see storefront/search.py).
            GinIndex(fields=["name"], name="product_name_trgm", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["category", "active", "price"], name="product_cat_price_idx"),
            models.Index(
                fields=["category", "active", "-created_at"], name="product_cat_newest_idx"
            ),
            models.Index(fields=["active", "-created_at"], name="product_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0),
                name="product_price_non_negative",
                violation_error_message="A price cannot be negative.",
            ),
            # Checkout, tax and the gateway speak USD only: a product in another
            # currency is refused here (the admin shows this message) rather than
            # breaking checkout later.
            models.CheckConstraint(
                condition=models.Q(currency="USD"),
                name="product_currency_usd",
                violation_error_message=(
                    "This shop sells in US dollars only: set the currency to USD."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    def get_absolute_url(self) -> str:
        # A storefront path, also when built on the company host (finder links).
        return storefront_path("storefront:product", slug=self.slug)

    def clean(self) -> None:
        # SKUs are unique across products and variants (a variant may repeat its own
        # product's SKU: the default variant does).
        if self.sku:
            taken = ProductVariant.objects.filter(sku__iexact=self.sku)
            if self.pk:
                taken = taken.exclude(product_id=self.pk)
            if taken.exists():
                raise ValidationError({"sku": "A variant of another product uses this SKU."})

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def option_names(self) -> list[str]:
        """The option names in use, in order ("Scent", "Size")."""
        return [n for n in (self.option1_name, self.option2_name, self.option3_name) if n]

    @property
    def price_varies(self) -> bool:
        """True when active variants cost different amounts (listings say "from $X").

        Listings annotate `price_to` (the highest active variant price) in their one query.
        """
        price_to = getattr(self, "price_to", None)
        return price_to is not None and price_to != self.price


class ProductVariant(models.Model):
    """One thing a shopper can buy: its own SKU, price, stock and pictures.

    SKUs are unique among variants (a database constraint) and across products: a variant
    may repeat its own product's SKU (the default variant does) but no other product's.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="variants")
    sku = models.CharField("SKU", max_length=32, unique=True)
    option1 = models.CharField(max_length=40, blank=True)
    option2 = models.CharField(max_length=40, blank=True)
    option3 = models.CharField(max_length=40, blank=True)
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    stock = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "option1", "option2", "option3"],
                name="variant_options_unique_per_product",
                violation_error_message="Another variant of this product has the same options.",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0),
                name="variant_price_non_negative",
                violation_error_message="A price cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        label = self.label
        return f"{self.product.name}, {label} ({self.sku})" if label else str(self.product)

    @property
    def options(self) -> list[str]:
        return [v for v in (self.option1, self.option2, self.option3) if v]

    @property
    def label(self) -> str:
        """The shopper's words for this variant: "Cedar, 16 oz" ("" for a default variant)."""
        return ", ".join(self.options)

    @property
    def on_sale(self) -> bool:
        """The variant and its product are both offered (reads `product`)."""
        return self.active and self.product.active

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    def clean(self) -> None:
        errors: dict[str, str] = {}
        # On the product's admin page the product may be new (no pk yet), but it is set.
        product = self.product if self._meta.get_field("product").is_cached(self) else None
        if product is None and self.product_id is not None:
            product = self.product
        if product is not None:
            for i, name in enumerate(
                (product.option1_name, product.option2_name, product.option3_name), start=1
            ):
                value = getattr(self, f"option{i}")
                if name and not value:
                    errors[f"option{i}"] = f"Give this variant's {name}."
                if value and not name:
                    errors[f"option{i}"] = f"Name option {i} on the product first."
        if self.sku:
            others = Product.objects.filter(sku__iexact=self.sku)
            if self.product_id is not None:
                others = others.exclude(pk=self.product_id)
            if others.exists():
                errors["sku"] = "Another product already uses this SKU."
        if errors:
            raise ValidationError(errors)


class ProductImage(models.Model):
    """One picture of a product's gallery, shown in `position` order (then upload order).

    Uploads go through the one image helper (`shopsocial/images.py`) via
    `storefront.services.product_image_store`, which also writes the renditions once:
    WebP and JPEG copies at `renditions` widths (`products/<uuid>-<w>w.webp|jpg`, beside the
    image), used for `srcset` and the cart thumbnail. Rows made without them (older rows,
    fixtures) simply show the main image.

    Per-variant images: an image without a `variant` belongs to every variant of the
    product; a variant's gallery is its own images first, then the product's
    (`storefront.selectors.variant_gallery`, passed to `partials/gallery.html` as
    `gallery_images`).
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    variant = models.ForeignKey(
        ProductVariant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="images",
        help_text="Leave empty for a picture of every variant.",
    )
    image = models.ImageField(upload_to="products/")
    alt_text = models.CharField(
        max_length=200, help_text="What the picture shows, for shoppers who cannot see it."
    )
    position = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    renditions = models.JSONField(default=list, blank=True, editable=False)

    objects = InvalidatingQuerySet.as_manager()  # writes purge cached pages

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(alt_text=""), name="productimage_alt_text_required"
            )
        ]

    def __str__(self) -> str:
        return self.alt_text

    # --- URLs of the renditions (computed from the storage; no query, no network) ---------
    def rendition_url(self, *, width: int, extension: str) -> str:
        name = rendition_name(self.image.name, width=width, extension=extension)
        return self.image.storage.url(name)

    def srcset(self, extension: str) -> str:
        return ", ".join(
            f"{self.rendition_url(width=w, extension=extension)} {w}w" for w in self.renditions
        )

    @property
    def srcset_webp(self) -> str:
        return self.srcset("webp")

    @property
    def srcset_jpeg(self) -> str:
        return self.srcset("jpg")

    @property
    def thumbnail_url(self) -> str:
        """The smallest JPEG rendition (160 px wide), or the image itself."""
        if self.renditions:
            return self.rendition_url(width=min(self.renditions), extension="jpg")
        return self.image.url

    @property
    def thumbnail_webp_url(self) -> str:
        return self.rendition_url(width=min(self.renditions), extension="webp")
