#!/usr/bin/env python
"""Django's command-line utility for ShopSocial."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsocial.settings.dev")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from shopsocial.embedded_db import embedded_server_ensure

    try:
        database = settings.DATABASES["default"]
    except ImproperlyConfigured:
        database = {}  # execute_from_command_line reports the broken setting
    # With no DATABASE_URL, the dev (and test) settings name the embedded PostgreSQL:
    # start it for as long as this command runs.
    embedded_server_ensure(database)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
