"""Breach address lists move to the private store (outside MEDIA_ROOT and /media/).

Lists already uploaded into the public media store are copied into the private store
under a random name (the uploader's file name may carry personal data), the row is
pointed at the copy, and the public copy is deleted.
"""

import uuid

from django.core.files.storage import default_storage
from django.db import migrations, models

import privacy.models
import shopsocial.storage


def breach_lists_move_to_private_storage(apps, schema_editor):
    incident_model = apps.get_model("privacy", "BreachIncident")
    private = shopsocial.storage.private_storage
    for incident in incident_model.objects.exclude(email_list="").iterator():
        old_name = incident.email_list.name
        if not default_storage.exists(old_name):
            continue  # already private (or gone): nothing public to move
        suffix = ".csv" if old_name.lower().endswith(".csv") else ".txt"
        with default_storage.open(old_name, "rb") as public_copy:
            new_name = private.save(f"breach-lists/{uuid.uuid4().hex}{suffix}", public_copy)
        incident_model.objects.filter(pk=incident.pk).update(email_list=new_name)
        default_storage.delete(old_name)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_staff_group_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="breachincident",
            name="email_list",
            field=models.FileField(
                blank=True,
                help_text="A text or CSV file: one email address per line (first column).",
                storage=shopsocial.storage.private_storage_get,
                upload_to=privacy.models.breach_list_upload_to,
            ),
        ),
        migrations.RunPython(breach_lists_move_to_private_storage, migrations.RunPython.noop),
    ]
