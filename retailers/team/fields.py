"""A PostgreSQL `ltree` column, as plain text in Python.

Why a 20-line field rather than django-ltree: we need the column type, a GiST index and
the `<@` / `@>` operators in raw SQL selectors; django-ltree adds a model base class and
its own migrations, and no release of it is declared for Django 6.1. The path is written
only by the database trigger (see migrations/0001_initial.py), never by Python.
"""

from django.db import models


class LtreeField(models.Field):
    description = "PostgreSQL ltree label path"

    def db_type(self, connection) -> str:
        return "ltree"

    def from_db_value(self, value, expression, connection):
        return value

    def to_python(self, value):
        return value if value is None else str(value)

    def get_prep_value(self, value):
        return value if value is None else str(value)
