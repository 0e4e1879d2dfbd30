"""The gift-card ledger is append-only in the database, and each entry's balance_after
must be the card's stored balance (written first, under the row lock); Finance sees the
liability report and the cards, Support sees the cards."""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION giftcards_entry_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'gift-card entries are append-only (% refused)', TG_OP;
  END IF;
  IF NEW.balance_after IS DISTINCT FROM
     (SELECT balance FROM giftcards_giftcard WHERE id = NEW.card_id) THEN
    RAISE EXCEPTION 'gift-card entry balance does not match the card';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER giftcards_entry_guard BEFORE INSERT OR UPDATE OR DELETE ON giftcards_giftcardentry
  FOR EACH ROW EXECUTE FUNCTION giftcards_entry_guard();
"""
UNTRIGGER = """
DROP TRIGGER IF EXISTS giftcards_entry_guard ON giftcards_giftcardentry;
DROP FUNCTION IF EXISTS giftcards_entry_guard();
"""

PERMISSIONS = {
    "Finance": ["view_giftcard", "view_giftcardentry", "finance_report"],
    "Support": ["view_giftcard", "view_giftcardentry"],
}


def grant(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("giftcards")
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
                    content_type__app_label="giftcards", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [("giftcards", "0001_initial"), ("retailers", "0007_staff_roles")]

    operations = [
        migrations.RunSQL(TRIGGER, UNTRIGGER),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
