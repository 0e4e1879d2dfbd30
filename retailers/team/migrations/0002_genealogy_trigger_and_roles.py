"""The genealogy's consistency, in the database; the Compliance role may move sponsors.

- `team_member_path_set` (BEFORE INSERT, or UPDATE OF sponsor_id): the path is the
  sponsor's path plus the member's id (just the id under the company); a sponsor inside
  the member's own downline is refused (it would make a cycle).
- `team_member_downline_move` (AFTER UPDATE OF sponsor_id): the member's whole downline
  follows, in the same statement (one UPDATE over `path <@ old path`, GiST-indexed).
- Check constraints: the path ends in the member's own id; a path of one label exactly
  when there is no sponsor. So no write, from any client, can leave a wrong path.
"""

from django.db import migrations

SQL = r"""
CREATE FUNCTION team_member_path_set() RETURNS trigger AS $$
DECLARE parent ltree;
BEGIN
    IF NEW.sponsor_id IS NULL THEN
        NEW.path := text2ltree(NEW.retailer_id::text);
    ELSE
        SELECT path INTO parent FROM team_teammember WHERE retailer_id = NEW.sponsor_id;
        IF parent IS NULL THEN
            RAISE EXCEPTION 'sponsor % is not in the genealogy', NEW.sponsor_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND parent <@ OLD.path THEN
            RAISE EXCEPTION 'sponsor % is in the downline of %', NEW.sponsor_id, NEW.retailer_id
                USING ERRCODE = 'check_violation';
        END IF;
        NEW.path := parent || text2ltree(NEW.retailer_id::text);
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER team_member_path_set
    BEFORE INSERT OR UPDATE OF sponsor_id ON team_teammember
    FOR EACH ROW EXECUTE FUNCTION team_member_path_set();

CREATE FUNCTION team_member_downline_move() RETURNS trigger AS $$
BEGIN
    IF NEW.path IS DISTINCT FROM OLD.path THEN
        UPDATE team_teammember
           SET path = NEW.path || subpath(path, nlevel(OLD.path))
         WHERE path <@ OLD.path AND path <> OLD.path;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER team_member_downline_move
    AFTER UPDATE OF sponsor_id ON team_teammember
    FOR EACH ROW EXECUTE FUNCTION team_member_downline_move();

ALTER TABLE team_teammember ADD CONSTRAINT team_member_path_ends_in_self
    CHECK (ltree2text(subpath(path, nlevel(path) - 1)) = retailer_id::text);
ALTER TABLE team_teammember ADD CONSTRAINT team_member_root_has_no_sponsor
    CHECK ((sponsor_id IS NULL) = (nlevel(path) = 1));
"""

REVERSE = """
ALTER TABLE team_teammember DROP CONSTRAINT team_member_root_has_no_sponsor;
ALTER TABLE team_teammember DROP CONSTRAINT team_member_path_ends_in_self;
DROP TRIGGER team_member_downline_move ON team_teammember;
DROP FUNCTION team_member_downline_move();
DROP TRIGGER team_member_path_set ON team_teammember;
DROP FUNCTION team_member_path_set();
"""

ROLE_PERMS = {
    "Compliance": [
        "team.move_sponsor",
        "team.view_teammember",
        "team.view_sponsorchange",
        "team.view_standing",
        "team.view_monthclose",
        "team.view_teamplan",
    ],
    "Finance": [
        "team.view_teamplan",
        "team.add_teamplan",
        "team.change_teamplan",
        "team.view_rank",
        "team.add_rank",
        "team.change_rank",
        "team.delete_rank",
        "team.view_generationrate",
        "team.add_generationrate",
        "team.change_generationrate",
        "team.delete_generationrate",
        "team.view_standing",
        "team.view_monthclose",
        "team.view_teammember",
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


class Migration(migrations.Migration):
    dependencies = [
        ("team", "0001_initial"),
        ("retailers", "0007_staff_roles"),
        ("earnings", "0005_alter_commissionentry_kind"),
    ]

    operations = [
        migrations.RunSQL(SQL, REVERSE),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
