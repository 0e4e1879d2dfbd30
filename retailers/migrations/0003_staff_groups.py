"""Admin groups with least-privilege permissions: Support, Fulfilment, Compliance.

Each group gets only what its job needs; nobody in them can delete retailers or
orders, and only Compliance can suspend a retailer or read the audit trail.
"""

from django.db import migrations

GROUPS = {
    "Support": [
        "retailers.view_retailer",
        "retailers.change_retailer",
        "retailers.view_domain",
        "orders.view_order",
        "orders.view_orderline",
        "orders.view_orderevent",
        "orders.view_customer_contact",
        "storefront.view_product",
        "storefront.view_category",
    ],
    "Fulfilment": [
        "orders.view_order",
        "orders.change_order",
        "orders.view_orderline",
        "orders.view_orderevent",
        "orders.add_orderevent",
        "storefront.view_product",
        "storefront.change_product",
    ],
    "Compliance": [
        "retailers.view_retailer",
        "retailers.view_domain",
        "retailers.suspend_retailer",
        "retailers.view_retailerauditevent",
        "orders.view_order",
        "mail.view_outboundemail",
    ],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("retailers", "0002_tax_id_audit_number_sequence"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("orders", "0001_initial"),
        ("storefront", "0001_initial"),
        ("mail", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
