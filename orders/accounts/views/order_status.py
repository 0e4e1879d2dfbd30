"""The order-status page every buyer reaches through a signed link (no account)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from orders.carriers import tracking_url

from ..selectors import order_for_status_token
from .common import private_response


# --- Order status: a signed link, no account needed --------------------------------------
@require_safe
def order_status(request: HttpRequest, token: str) -> HttpResponse:
    order = order_for_status_token(token=token, retailer=request.tenant)
    if order is None:
        return private_response(render(request, "orders/order_status_invalid.html", status=404))
    context = {
        "order": order,
        "token": token,
        "tracking_url": tracking_url(carrier=order.carrier, tracking_number=order.tracking_number),
    }
    return private_response(render(request, "orders/order_status.html", context))
