"""Celery application; tenant-aware through tenant-schemas-celery.

The schema a task was sent from travels in its headers, so a task queued while a
storefront request is served runs against that storefront's schema.
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsocial.settings.dev")

app = CeleryApp("shopsocial")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
