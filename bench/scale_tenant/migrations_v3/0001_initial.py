"""The same migration as migrations_v2's (the second checkpoint's set repeats the first's)."""

import importlib

Migration = importlib.import_module("bench.scale_tenant.migrations_v2.0001_initial").Migration
