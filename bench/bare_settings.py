"""The floor for bench/storefront.py: the same settings, no middleware, one hello view."""

from bench.storefront_settings import *  # noqa: F403

MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.bare_urls"
