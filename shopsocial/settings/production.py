"""Production: the base settings plus the values that have no safe default.

Each is required: a missing one fails loudly at start-up ("Set the ... environment
variable"). The email service provider is chosen by EMAIL_BACKEND plus its ANYMAIL_*
credentials.
"""

from .base import *  # noqa: F403
from .base import database_config, env

SECRET_KEY = env.str("SECRET_KEY")
DATABASES = {"default": database_config(env.str("DATABASE_URL"))}
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")

# --- scale: read replica and error reporting (docs/operations-scale.md) ------------
if env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = database_config(env.str("REPLICA_DATABASE_URL"))
if SENTRY_DSN:  # noqa: F405 - from base
    # Started here, as cookiecutter-django does, so web, worker and beat all report.
    from shopsocial.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)  # noqa: F405
# --- end scale ------------------------------------------------------------------
