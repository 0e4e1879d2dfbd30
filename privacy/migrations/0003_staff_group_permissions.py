"""Give the staff groups (retailers.0003) what they need in the privacy admin.

Support works tickets; Compliance records breaches, runs Notify, publishes policy versions.
"""

from django.db import migrations

GRANTS = {
    "Support": [
        "privacy.view_ticket",
        "privacy.change_ticket",
        "privacy.view_ticketmessage",
        "privacy.view_policyversion",
    ],
    "Compliance": [
        "privacy.view_breachincident",
        "privacy.add_breachincident",
        "privacy.change_breachincident",
        "privacy.view_breachnotification",
        "privacy.view_policyversion",
        "privacy.add_policyversion",
        "privacy.change_policyversion",
        "privacy.view_dataerasure",
        "privacy.view_ticket",
    ],
}


def grant(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("privacy")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        codenames = [p.split(".")[1] for p in perms]
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="privacy", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_seed_policy_version"),
        ("retailers", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
