"""Settings for bench/scale.py: development settings plus one throwaway tenant app.

`bench.scale_tenant` is a storefront (tenant) app whose migrations come from
`SCALE_MIGRATIONS`: `migrations_v1` (one table) while the storefronts are provisioned,
then `migrations_v2` (the same plus an additive migration: a column with a database
default and an index) for the timed `migrate_schemas` run.
"""

import os

from shopsocial.settings.dev import *  # noqa: F403
from shopsocial.settings.dev import INSTALLED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "bench.scale_tenant"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench.scale_tenant"]
MIGRATION_MODULES = {
    "scale_tenant": os.environ.get("SCALE_MIGRATIONS", "bench.scale_tenant.migrations_v1")
}
TENANT_MULTIPROCESSING_MAX_PROCESSES = int(os.environ.get("SCALE_PROCESSES", "2"))
TENANT_MULTIPROCESSING_CHUNKS = int(os.environ.get("SCALE_CHUNKS", "50"))
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
