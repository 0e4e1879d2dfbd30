"""The append-only ledger also refuses TRUNCATE (issue 30, item 11).

Row-level triggers never fire on TRUNCATE, so 0002's guard let a
``TRUNCATE earnings_commissionentry`` wipe the ledger. A statement-level trigger closes that.
"""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION earnings_entry_no_truncate() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'commission entries are append-only (TRUNCATE refused)';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER earnings_entry_no_truncate BEFORE TRUNCATE ON earnings_commissionentry
  FOR EACH STATEMENT EXECUTE FUNCTION earnings_entry_no_truncate();
"""
UNTRIGGER = """
DROP TRIGGER IF EXISTS earnings_entry_no_truncate ON earnings_commissionentry;
DROP FUNCTION IF EXISTS earnings_entry_no_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("earnings", "0008_orderless_team_override_lines")]

    operations = [migrations.RunSQL(TRIGGER, UNTRIGGER)]
