import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsocial.settings.production")
application = get_wsgi_application()
# What is loaded by now lives as long as the worker: out of the garbage collector's reach,
# so the first full collection does not stop a request for about 100 ms (bench/README.md:
# the hello's p99 in a worker's first seconds, 98-145 ms without this, 12-14 ms with it).
gc.freeze()
