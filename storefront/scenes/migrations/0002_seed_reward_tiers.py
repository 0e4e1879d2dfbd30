"""Host reward tiers to start from (staff edit them in the admin), and who may edit them."""

from decimal import Decimal

from django.db import migrations


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    RewardTier = apps.get_model("scenes", "RewardTier")
    if not RewardTier.objects.exists():
        RewardTier.objects.create(min_sales=Decimal("200.00"), credit_percent=Decimal("10"))
        RewardTier.objects.create(min_sales=Decimal("500.00"), credit_percent=Decimal("15"))
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    marketing, _ = Group.objects.get_or_create(name="Marketing")
    for codename in ("view_rewardtier", "add_rewardtier", "change_rewardtier", "view_scene",
                     "view_scenereward", "view_sharelink"):
        marketing.permissions.add(
            Permission.objects.get(content_type__app_label="scenes", codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [("scenes", "0001_initial"), ("auth", "__first__")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
