"""Drop customer protections that were started from a typed guest email (issue 30 item 4).

Before issue 30 a guest order's typed address started protection by itself, so a retailer
could claim a prospect by placing a guest order with their address. Protection now
starts only from proof (an account, an account's verified address, or the order's own
confirmation link confirmed). This removes the email-keyed protections whose first order
was a guest order with no such proof. Protections by account, protections whose address
was proved, and protections staff have reassigned (audited, kept) stay.

Backwards: a no-op (the removed rows are not recreated).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    CustomerProtection = apps.get_model("earnings", "CustomerProtection")
    ProtectionReassignment = apps.get_model("earnings", "ProtectionReassignment")
    OrderEmailProof = apps.get_model("accounts", "OrderEmailProof")
    AccountEmail = apps.get_model("accounts", "AccountEmail")
    reassigned = ProtectionReassignment.objects.filter(protection__isnull=False).values(
        "protection_id"
    )
    candidates = CustomerProtection.objects.filter(
        customer_key__startswith="email:", first_order__customer__isnull=True
    ).exclude(pk__in=reassigned)
    for protection in candidates.select_related("first_order").iterator():
        email = protection.customer_key.removeprefix("email:")
        proved = (
            OrderEmailProof.objects.filter(order_id=protection.first_order_id, email=email).exists()
            or AccountEmail.objects.filter(verified_email=email).exists()
        )
        if not proved:
            protection.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("earnings", "0009_ledger_refuses_truncate"),
        ("accounts", "0002_order_email_proof"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
