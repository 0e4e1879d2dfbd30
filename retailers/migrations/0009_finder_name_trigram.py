"""The finder's misspelt-name fallback (issue 28): pg_trgm (created if absent; storefront's
search created it already where that migration ran first) and a trigram index on the
retailer's name."""

import django.contrib.postgres.indexes
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("retailers", "0008_email_change"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="retailer",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["display_name"], name="retailer_name_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
