"""Production guards: a configuration that would be unsafe stops the app from starting.

A system check runs only in management commands; gunicorn and the ASGI server run
none. So every check registered with the `STARTUP` tag is also run when Django
starts (`ShopSocialConfig.ready()`, i.e. inside `django.setup()`, which every app
server, worker and command goes through): an ERROR there raises
`ImproperlyConfigured` and the process exits before it serves a request. The same
functions still report through `manage.py check` (with their ids), so there is one
rule per guard and two ways to see it.

Guards (each names its own relaxation for dev/test settings):

- `orders.E001`-`E003` (orders/checks.py): no Stripe key and no
  `PAYMENTS_OFFLINE_DEMO`; a Stripe key without its webhook secret; the offline
  gateway without its webhook secret.
- `shopsocial.E030` (below): no `REDIS_URL` where several processes serve.
- `shopsocial.E031` (below): a Varnish to purge off this machine without
  `VARNISH_PURGE_TOKEN` (its ACL alone would let clients purge through a private network).
- `shopsocial.E020`/`E021` (shopsocial/storage.py): the private store missing or
  inside the public media folder.

Silencing a guard with SILENCED_SYSTEM_CHECKS does not let the app start: the
start-up run reads the registry itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.checks.registry import registry
from django.core.exceptions import ImproperlyConfigured

STARTUP = "startup"


@checks.register(checks.Tags.caches, STARTUP)
def redis_required_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Production needs Redis: sessions, sign-outs, suspensions and rate limits are shared.

    Without it each worker keeps its own cache: a signed-out session still works on
    another worker, a password change leaves other sessions signed in, a suspended
    shop keeps being served, and every rate limit multiplies by the worker count.
    """
    if settings.REDIS_REQUIRED and not settings.REDIS_URL:
        return [
            checks.Error(
                "No REDIS_URL under production settings: each worker process would keep "
                "its own sessions cache, sign-outs, suspensions and rate limits.",
                hint="Set REDIS_URL (e.g. redis://redis:6379/1).",
                id="shopsocial.E030",
            )
        ]
    return []


@checks.register(checks.Tags.security, STARTUP)
def varnish_purge_token_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A Varnish off this machine accepts purges only with the shared token: its ACL of
    private networks alone admits every client that reaches it through a load balancer
    or Docker's published port. (Any setting: a purge URL off loopback is production.)"""
    from urllib.parse import urlsplit

    from shopsocial.varnish import purge_urls

    remote = [
        url
        for url in purge_urls()
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1")
    ]
    if remote and not settings.VARNISH_PURGE_TOKEN:
        return [
            checks.Error(
                f"VARNISH_PURGE_URLS names {', '.join(remote)} but VARNISH_PURGE_TOKEN is "
                "empty: that Varnish would have to accept purges from anyone its network "
                "lets in.",
                hint="Set VARNISH_PURGE_TOKEN to a long random secret, for the app and for "
                "varnishd's environment alike (docker-compose.yml).",
                id="shopsocial.E031",
            )
        ]
    return []


def startup_guard_messages() -> list[checks.CheckMessage]:
    """The ERRORs of every check tagged STARTUP (silencing does not apply)."""
    found: list[checks.CheckMessage] = []
    for check in registry.get_checks(include_deployment_checks=False):
        if STARTUP in getattr(check, "tags", ()):
            found.extend(m for m in check(app_configs=None) if m.is_serious())
    return found


def startup_guards_enforce() -> None:
    """Refuse to start (raise ImproperlyConfigured) when a production guard fails."""
    errors = startup_guard_messages()
    if errors:
        lines = [f"{m.id}: {m.msg}" + (f" HINT: {m.hint}" if m.hint else "") for m in errors]
        raise ImproperlyConfigured(
            "ShopSocial refuses to start under these settings:\n" + "\n".join(lines)
        )
