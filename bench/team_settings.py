"""Settings for bench/team.py: development settings plus `/bench/hello/` on the company
host (the same middleware stack as the back office's "My team")."""

from shopsocial.settings.dev import *  # noqa: F403

PUBLIC_SCHEMA_URLCONF = "bench.team_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
