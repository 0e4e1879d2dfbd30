"""Existing order lines point at their product's default variant (made by storefront 0008)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def lines_link_default_variant(apps, schema_editor):
    OrderLine = apps.get_model("orders", "OrderLine")
    ProductVariant = apps.get_model("storefront", "ProductVariant")
    first = ProductVariant.objects.filter(product_id=OuterRef("product_id")).order_by(
        "position", "pk"
    )
    OrderLine.objects.filter(variant__isnull=True).update(
        variant_id=Subquery(first.values("pk")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0009_orderline_variant"),
        ("storefront", "0008_default_variant_per_product"),
    ]

    operations = [migrations.RunPython(lines_link_default_variant, migrations.RunPython.noop)]
