"""The additive tenant migration bench/scale.py times: a column with a database default
(no table rewrite) and an index on it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("scale_tenant", "0001_initial")]
    operations = [
        migrations.AddField(
            model_name="scalenote",
            name="pinned",
            field=models.BooleanField(db_default=False),
        ),
        migrations.AddIndex(
            model_name="scalenote",
            index=models.Index(fields=["pinned"], name="scale_note_pinned"),
        ),
    ]
