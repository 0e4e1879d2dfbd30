"""The ledger is append-only in the database itself, a first plan, and who may do what.

A trigger refuses DELETE on commission entries and any UPDATE of their amounts, base,
retailer, order, kind, key or creation time; only the settlement columns (status,
available_at, payable_at, payout_line) may change. A correction is a new entry.
"""

from decimal import Decimal

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION earnings_entry_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'commission entries are append-only (delete refused)';
  END IF;
  IF NEW.amount IS DISTINCT FROM OLD.amount OR NEW.base IS DISTINCT FROM OLD.base
     OR NEW.retailer_id IS DISTINCT FROM OLD.retailer_id OR NEW.order_id IS DISTINCT FROM OLD.order_id
     OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.key IS DISTINCT FROM OLD.key
     OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'commission entries are append-only (% refused)', TG_OP;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER earnings_entry_append_only BEFORE UPDATE OR DELETE ON earnings_commissionentry
  FOR EACH ROW EXECUTE FUNCTION earnings_entry_append_only();
"""
UNTRIGGER = """
DROP TRIGGER IF EXISTS earnings_entry_append_only ON earnings_commissionentry;
DROP FUNCTION IF EXISTS earnings_entry_append_only();
"""

ROLE_PERMS = {
    "Finance": [
        "earnings.view_commissionplan",
        "earnings.add_commissionplan",
        "earnings.change_commissionplan",
        "earnings.view_levelrate",
        "earnings.add_levelrate",
        "earnings.change_levelrate",
        "earnings.delete_levelrate",
        "earnings.view_categoryrate",
        "earnings.add_categoryrate",
        "earnings.change_categoryrate",
        "earnings.delete_categoryrate",
        "earnings.view_commissionentry",
        "earnings.view_customerprotection",
        "earnings.change_customerprotection",
        "earnings.view_protectionreassignment",
        "earnings.view_payoutbatch",
        "earnings.run_payouts",
        "earnings.year_end_report",
        "storefront.view_category",
    ],
    "Compliance": [
        "earnings.view_commissionentry",
        "earnings.view_payoutbatch",
        "earnings.view_protectionreassignment",
        "earnings.year_end_report",
        "earnings.year_end_reveal_tax_ids",
    ],
}


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    Plan = apps.get_model("earnings", "CommissionPlan")
    LevelRate = apps.get_model("earnings", "LevelRate")
    if not Plan.objects.exists():
        import datetime

        plan = Plan.objects.create(
            name="Standard plan",
            effective_from=datetime.date(2020, 1, 1),
            notes="Seeded: 20 % / 25 % / 30 % by level. Edit rates in a new plan with later dates.",
        )
        for level, rate in (("retailer", "20"), ("senior", "25"), ("director", "30")):
            LevelRate.objects.create(plan=plan, level=level, rate=Decimal(rate))


class Migration(migrations.Migration):
    dependencies = [
        ("earnings", "0001_initial"),
        ("retailers", "0004_retailer_level"),
        ("storefront", "__first__"),
        ("auth", "__first__"),
    ]

    operations = [
        migrations.RunSQL(TRIGGER, UNTRIGGER),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
