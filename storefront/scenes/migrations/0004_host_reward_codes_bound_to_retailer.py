"""Host reward codes issued before issue 30 are bound to their scene's storefront.

Forwards: each SceneReward's code gets its scene's retailer. Backwards: a no-op (the
column itself goes with discounts 0003).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    SceneReward = apps.get_model("scenes", "SceneReward")
    DiscountCode = apps.get_model("discounts", "DiscountCode")
    for code, retailer_id in (
        SceneReward.objects.exclude(code="").values_list("code", "scene__retailer_id").iterator()
    ):
        DiscountCode.objects.filter(code=code, retailer__isnull=True).update(
            retailer_id=retailer_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("scenes", "0003_party_tools"),
        ("discounts", "0003_host_reward_code_retailer"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
