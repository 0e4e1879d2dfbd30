"""Fulfilment receives, inspects and refunds returns (Finance may refund them too);
the Returns page says what the shop now does (only if staff have not edited it)."""

from django.db import migrations

PERMISSIONS = {
    "Fulfilment": [
        "view_returnrequest",
        "change_returnrequest",
        "view_returnline",
        "change_returnline",
        "refund_returnrequest",
    ],
    "Finance": ["view_returnrequest", "view_returnline", "refund_returnrequest"],
    "Support": ["view_returnrequest", "view_returnline"],
}

OLD_START = "## What you can return\n- Unused items in their original packaging, within 30 days of delivery."

RETURNS_SUMMARY = (
    "Not right? Ask for a return online within 30 days of shipping for a refund "
    "to your original payment method."
)
RETURNS_BODY = """## What you can return
- Unused items in their original packaging, asked for within 30 days of the day your order shipped.
- Candles that have not been burned, and wax melts still sealed.
- Damaged, faulty or wrong items: we refund the original shipping too.

## How to return
Open your order: the link in your confirmation or shipping email, or Your orders in your account. Choose Return items, pick the items, how many, and why. We email you the return number and instructions at once; write the return number on the parcel and keep the postage receipt. A prepaid label follows when it is ready.

## Refunds
When the parcel reaches us we inspect the items and refund each one that passes: its price, less any discount that was applied to it, plus the sales tax paid on it, to the card or payment method you used. Original shipping is refunded when the return is our mistake (damaged, faulty or wrong item). You receive an email when the refund is made; your bank may take a few more days to show it. If an item does not pass inspection we tell you why.

## Exchanges
The fastest way to exchange is to return the item for a refund and place a new order in your retailer's shop."""


def grant(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("returns")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="returns", codename__in=codenames
                )
            )
    ShopPage = apps.get_model("storefront_pages", "ShopPage")
    ShopPage.objects.filter(slug="returns", body__startswith=OLD_START).update(
        summary=RETURNS_SUMMARY, body=RETURNS_BODY
    )


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0001_initial"),
        ("retailers", "0007_staff_roles"),
        ("storefront_pages", "0002_seed_shipping_returns_terms"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
