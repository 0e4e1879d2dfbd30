"""Settings for bench/storefront.py: production settings plus `/bench/hello/`.

The environment (secret key, database, Redis) comes from bench/storefront.py.
"""

from shopsocial.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.storefront_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
