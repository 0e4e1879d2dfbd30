"""bench/scale.py's second additive tenant migration (its second checkpoint): another
column with a database default and an index, applied over every schema again."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("scale_tenant", "0002_additive")]
    operations = [
        migrations.AddField(
            model_name="scalenote",
            name="weight",
            field=models.IntegerField(db_default=0),
        ),
        migrations.AddIndex(
            model_name="scalenote",
            index=models.Index(fields=["weight"], name="scale_note_weight"),
        ),
    ]
