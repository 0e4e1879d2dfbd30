"""Standard and Express, as the shop shipped before methods existed (flat 7.95, free from 75)."""

from decimal import Decimal

from django.db import migrations

METHODS = [
    {
        "code": "standard",
        "name": "Standard",
        "price": Decimal("7.95"),
        "free_above": Decimal("75.00"),
        "delivery_estimate": "5–7 business days",
        "delivery_days_min": 5,
        "delivery_days_max": 7,
        "position": 0,
    },
    {
        "code": "express",
        "name": "Express",
        "price": Decimal("19.95"),
        "free_above": None,
        "delivery_estimate": "2 business days",
        "delivery_days_min": 1,
        "delivery_days_max": 2,
        "position": 1,
    },
]


def seed(apps, schema_editor):
    ShippingMethod = apps.get_model("orders", "ShippingMethod")
    for method in METHODS:
        ShippingMethod.objects.get_or_create(code=method["code"], defaults=method)


class Migration(migrations.Migration):
    dependencies = [("orders", "0005_shipping_methods_discount_tax_holds")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
