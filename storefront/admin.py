"""Catalog admin: staff manage categories, products, images and stock here.

Products are never hard-deleted (orders reference them): staff deactivate them.
Every save bumps the catalog cache version so storefronts show the change at once.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from .forms import ProductImageForm
from .models import Category, Product, ProductImage, ProductVariant
from .services import (
    product_bulk_set_active,
    product_image_files_delete,
    product_summary_refresh,
)


class ProductVariantInline(admin.TabularInline):
    """Variants edited on the product: each its own SKU, option values, price and stock.

    Variants are never deleted (order lines point at them): deactivate instead.
    """

    model = ProductVariant
    extra = 0
    min_num = 1
    fields = ["sku", "option1", "option2", "option3", "price", "stock", "active", "position"]
    can_delete = False


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    form = ProductImageForm  # uploads are checked and re-encoded (metadata dropped)
    extra = 1
    fields = ["preview", "image", "alt_text", "variant", "position"]
    readonly_fields = ["preview"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A picture may belong to one of this product's variants only.
        if db_field.name == "variant":
            product_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = ProductVariant.objects.filter(
                product_id=product_id if product_id and product_id.isdigit() else None
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Picture")
    def preview(self, obj: ProductImage) -> str:
        if not obj.pk or not obj.image:
            return ""
        return format_html(
            '<img src="{}" alt="" width="80" height="80" loading="lazy">', obj.thumbnail_url
        )


class InStockFilter(admin.SimpleListFilter):
    title = "stock"
    parameter_name = "in_stock"

    def lookups(self, request, model_admin):
        return [("yes", "In stock"), ("no", "Out of stock")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(stock__gt=0)
        if self.value() == "no":
            return queryset.filter(stock=0)
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "sku", "category", "price", "stock", "active"]
    list_filter = ["category", "active", InStockFilter]
    list_select_related = ["category", "category__parent"]
    search_fields = ["name", "sku", "variants__sku"]
    # Price and stock are summaries of the variants (the "from" price, the total stock).
    readonly_fields = ["price", "stock", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "sku", "category", "description", "active"]}),
        ("Money", {"fields": ["currency", "tax_category"]}),
        (
            "Options",
            {
                "fields": ["option1_name", "option2_name", "option3_name"],
                "description": "Name up to three options (e.g. Scent, Size); each variant "
                "below gives its value for each named option.",
            },
        ),
        ("From the variants", {"fields": ["price", "stock", "created_at", "updated_at"]}),
    ]
    inlines = [ProductVariantInline, ProductImageInline]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["activate", "deactivate"]
    list_per_page = 50

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Orders reference products: deactivate instead of deleting.
        return False

    @admin.action(description="Activate selected products", permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        changed = product_bulk_set_active(
            product_ids=list(queryset.values_list("pk", flat=True)), active=True
        )
        self.message_user(request, f"{changed} product(s) activated.", messages.SUCCESS)

    @admin.action(description="Deactivate selected products", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        changed = product_bulk_set_active(
            product_ids=list(queryset.values_list("pk", flat=True)), active=False
        )
        self.message_user(request, f"{changed} product(s) deactivated.", messages.SUCCESS)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            for removed in getattr(formset, "deleted_objects", []):
                if isinstance(removed, ProductImage):
                    product_image_files_delete(
                        name=removed.image.name, renditions=list(removed.renditions)
                    )
        product_summary_refresh(product=form.instance)


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin):
    """Every variant in one list, for stock-taking: stock is edited here or on the product."""

    list_display = ["sku", "product", "label", "price", "stock", "active"]
    list_editable = ["stock"]
    list_filter = ["active", "product__category"]
    list_select_related = ["product"]
    search_fields = ["sku", "product__name"]
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # variants are added on their product's page

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # order lines point at variants: deactivate instead

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ["product"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        product_summary_refresh(product=obj.product)
