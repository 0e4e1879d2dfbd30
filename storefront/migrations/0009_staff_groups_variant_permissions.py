"""Stock and prices now live on variants: the roles of retailers.0007 that see or edit
products get the same rights on variants (Support and Fulfilment view them; Catalog adds
and edits them, stock-taking included). Never deleted: order lines point at them."""

from django.db import migrations

VARIANT_PERMISSIONS = {
    "Support": ["view_productvariant"],
    "Fulfilment": ["view_productvariant"],
    "Catalog": ["view_productvariant", "add_productvariant", "change_productvariant"],
}


def grant(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("storefront")
    app_config.models_module = True  # as retailers 0003 does: make the permissions now
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in VARIANT_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="storefront", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="storefront", codename__endswith="_productvariant"
    )
    for group in Group.objects.filter(name__in=VARIANT_PERMISSIONS):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("storefront", "0008_default_variant_per_product"),
        ("retailers", "0007_staff_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
