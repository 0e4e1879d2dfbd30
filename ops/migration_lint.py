"""Expand/contract check for migrations: a deploy must not break the code still running.

During a rolling deploy the previous release keeps serving while the new one migrates,
so a migration may only *expand* the schema (new tables, new nullable columns or
columns with a database default, new indexes built concurrently...). Operations that
break the previous release's queries are *contract* steps, allowed only in a migration
that says so with `contract = True` on its Migration class, released after the code
that stopped using what it removes (docs/operations-scale.md):

- RemoveField, DeleteModel, RenameField, RenameModel, AlterModelTable;
- AddField of a NOT NULL column with no `db_default` (old code's INSERTs fail);
- AlterField that makes a column NOT NULL.

Migrations that existed when this check was introduced are listed in BASELINE and not
checked. Run: `python -m ops.migration_lint` (exit 1 and a list on a violation).
"""

from __future__ import annotations

import sys

from django.db import migrations
from django.db.models import NOT_PROVIDED

BREAKING = (
    migrations.RemoveField,
    migrations.DeleteModel,
    migrations.RenameField,
    migrations.RenameModel,
    migrations.AlterModelTable,
)


def operation_problem(operation, *, state_field=None) -> str | None:
    if isinstance(operation, BREAKING):
        return f"{type(operation).__name__} breaks the running release"
    if isinstance(operation, migrations.AddField):
        field = operation.field
        if not field.null and field.db_default is NOT_PROVIDED and not field.many_to_many:
            return (
                f"AddField {operation.model_name}.{operation.name} is NOT NULL without "
                "db_default: the running release's INSERTs fail"
            )
    tightens = state_field is not None and state_field.null and not operation.field.null
    if isinstance(operation, migrations.AlterField) and tightens:
        return f"AlterField {operation.model_name}.{operation.name} makes a column NOT NULL"
    return None


def migration_problems(migration, state=None) -> list[str]:
    if getattr(migration, "contract", False):
        return []
    problems = []
    for operation in migration.operations:
        state_field = None
        if isinstance(operation, migrations.AlterField) and state is not None:
            model = state.models.get((migration.app_label, operation.model_name_lower))
            state_field = model.fields.get(operation.name) if model else None
        if problem := operation_problem(operation, state_field=state_field):
            problems.append(f"{migration.app_label}.{migration.name}: {problem}")
    return problems


def baseline() -> set[tuple[str, str]]:
    from pathlib import Path

    path = Path(__file__).with_name("migrations-baseline.txt")
    return {tuple(line.split(".", 1)) for line in path.read_text().split() if line}


def lint() -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)  # from disk, no database
    known = baseline()
    problems = []
    for key in loader.graph.leaf_nodes():
        for node in loader.graph.forwards_plan(key):
            if node in known or node[0] not in _project_apps():
                continue
            known.add(node)
            migration = loader.graph.nodes[node]
            state = loader.project_state(node, at_end=False)
            problems.extend(migration_problems(migration, state))
    return problems


def _project_apps() -> set[str]:
    from django.apps import apps
    from django.conf import settings

    root = str(settings.BASE_DIR)
    return {
        c.label
        for c in apps.get_app_configs()
        if c.path.startswith(root) and "site-packages" not in c.path
    }


def main() -> int:
    import django

    django.setup()
    problems = lint()
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsocial.settings.test")
    sys.exit(main())
