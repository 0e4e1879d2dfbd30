"""`{% offline_demo_banner %}`: the loud banner every page shows when production runs
the offline gateway on purpose (PAYMENTS_OFFLINE_DEMO=true)."""

from __future__ import annotations

from django import template
from django.conf import settings

from orders.gateways import offline_gateway_in_use

register = template.Library()


@register.inclusion_tag("orders/partials/offline_demo_banner.html")
def offline_demo_banner() -> dict:
    return {"show": bool(settings.PAYMENTS_OFFLINE_DEMO) and offline_gateway_in_use()}
