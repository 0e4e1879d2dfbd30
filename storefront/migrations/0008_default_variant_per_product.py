"""Every existing product becomes one default variant: same SKU, price and stock.

Product.price and Product.stock stay as the denormalised "from" price and total stock,
so nothing is lost and listings keep their columns and indexes.
"""

from django.db import migrations


def default_variants_create(apps, schema_editor):
    Product = apps.get_model("storefront", "Product")
    ProductVariant = apps.get_model("storefront", "ProductVariant")
    have = set(ProductVariant.objects.values_list("product_id", flat=True))
    ProductVariant.objects.bulk_create(
        ProductVariant(
            product_id=product.pk,
            sku=product.sku,
            price=product.price,
            stock=product.stock,
            active=True,
            position=0,
        )
        for product in Product.objects.exclude(pk__in=have).only("pk", "sku", "price", "stock")
        .order_by("pk")
        .iterator()
    )


def default_variants_remove(apps, schema_editor):
    """Backwards: stock moves back to the product (summed), then the variants go."""
    from django.db.models import F, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce

    Product = apps.get_model("storefront", "Product")
    ProductVariant = apps.get_model("storefront", "ProductVariant")
    total = (
        ProductVariant.objects.filter(product_id=OuterRef("pk"))
        .values("product_id")
        .annotate(total=Sum("stock"))
        .values("total")
    )
    Product.objects.update(stock=Coalesce(Subquery(total), F("stock")))
    apps.get_model("storefront", "ProductImage").objects.update(variant=None)
    ProductVariant.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("storefront", "0007_product_variants")]

    operations = [migrations.RunPython(default_variants_create, default_variants_remove)]
