"""Settings for bench/storefront.py: the dev settings with DEBUG off, plus a bare view."""

import os

from shopsocial.settings.dev import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.storefront_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# bench/storefront.py --no-page-cache sets 0 to measure the uncached rendering path.
STOREFRONT_PAGE_CACHE_SECONDS = int(os.environ.get("STOREFRONT_PAGE_CACHE_SECONDS", "60"))
