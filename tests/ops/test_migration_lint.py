"""The expand/contract check (ops/migration_lint.py) that .ci/run runs on every migration."""

from __future__ import annotations

from django.db import migrations, models
from django.db.migrations.state import ModelState, ProjectState

from ops.migration_lint import lint, migration_problems


def migration(*operations, contract: bool = False):
    class Migration(migrations.Migration):
        pass

    Migration.operations = list(operations)
    Migration.contract = contract
    return Migration("0099_new", "storefront")


def test_the_project_migrations_pass():
    assert lint() == []


def test_expanding_operations_pass():
    assert (
        migration_problems(
            migration(
                migrations.AddField("product", "note", models.TextField(null=True)),
                migrations.AddField("product", "rank", models.IntegerField(db_default=0)),
                migrations.CreateModel("Thing", [("id", models.BigAutoField(primary_key=True))]),
            )
        )
        == []
    )


def test_breaking_operations_are_refused_unless_marked_contract():
    breaking = migration(
        migrations.RemoveField("product", "note"),
        migrations.RenameField("product", "name", "title"),
        migrations.DeleteModel("Thing"),
        migrations.AddField("product", "rank", models.IntegerField(default=0)),
    )
    assert migration_problems(breaking) == [
        "storefront.0099_new: RemoveField breaks the running release",
        "storefront.0099_new: RenameField breaks the running release",
        "storefront.0099_new: DeleteModel breaks the running release",
        "storefront.0099_new: AddField product.rank is NOT NULL without db_default: "
        "the running release's INSERTs fail",
    ]
    breaking.contract = True
    assert migration_problems(breaking) == []


def test_making_a_column_not_null_is_a_contract_step():
    state = ProjectState()
    state.add_model(
        ModelState(
            "storefront",
            "product",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("note", models.TextField(null=True)),
            ],
        )
    )
    tightening = migration(migrations.AlterField("product", "note", models.TextField()))
    assert migration_problems(tightening, state) == [
        "storefront.0099_new: AlterField product.note makes a column NOT NULL"
    ]
