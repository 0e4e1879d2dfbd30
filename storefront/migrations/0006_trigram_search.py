"""Typo-tolerant search: the pg_trgm extension and a trigram index on product names."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("storefront", "0005_product_image_renditions_and_alt_text"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="product",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["name"], name="product_name_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
