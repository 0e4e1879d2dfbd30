"""System checks that are also start-up guards: production never takes money offline.

The offline gateway's hosted page marks an order paid on a button press. Under
production settings (`PAYMENTS_OFFLINE_ALLOWED` is False; only `dev` and `test`
set it) a deployment without Stripe keys is an ERROR, so `check --deploy`,
`migrate` and `migrate_schemas` refuse to run, unless the loudly named demo switch
`PAYMENTS_OFFLINE_DEMO=true` says a demo is meant (every page then shows a banner).

Tagged STARTUP: the same ERRORs stop gunicorn/uvicorn workers at `django.setup()`
(shopsocial/guards.py), not only management commands.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from shopsocial.guards import STARTUP


@register(Tags.security, STARTUP)
def payments_gateway_check(app_configs=None, **kwargs) -> list:
    errors: list = []
    if settings.STRIPE_SECRET_KEY:
        if not settings.STRIPE_WEBHOOK_SECRET:
            errors.append(
                Error(
                    "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: "
                    "no webhook could be verified, so no order would ever be marked paid.",
                    hint="Set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...).",
                    id="orders.E002",
                )
            )
        return errors
    if settings.PAYMENTS_OFFLINE_DEMO:
        errors.append(
            Warning(
                "PAYMENTS_OFFLINE_DEMO is on: the OFFLINE gateway takes no real money and "
                "marks orders paid on a button press. Every page shows a demo banner.",
                id="orders.W001",
            )
        )
    elif not settings.PAYMENTS_OFFLINE_ALLOWED:
        errors.append(
            Error(
                "No STRIPE_SECRET_KEY under production settings: the offline gateway would "
                "take orders without taking money.",
                hint=(
                    "Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or, for a demo only, "
                    "PAYMENTS_OFFLINE_DEMO=true."
                ),
                id="orders.E001",
            )
        )
        return errors
    if not settings.OFFLINE_GATEWAY_WEBHOOK_SECRET:
        errors.append(
            Error(
                "The offline gateway is in use but OFFLINE_GATEWAY_WEBHOOK_SECRET is empty.",
                hint="Set OFFLINE_GATEWAY_WEBHOOK_SECRET to a long random string.",
                id="orders.E003",
            )
        )
    return errors
