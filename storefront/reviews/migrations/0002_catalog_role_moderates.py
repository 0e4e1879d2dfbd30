"""The Catalog role (retailers 0007_staff_roles) moderates reviews: view and change."""

from django.db import migrations

CODENAMES = ["view_review", "change_review"]


def grant(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("reviews")
    app_config.models_module = True  # as storefront 0009 does: make the permissions now
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Catalog").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="reviews", codename__in=CODENAMES)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="reviews", codename__in=CODENAMES)
    for group in Group.objects.filter(name="Catalog"):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("retailers", "0007_staff_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
