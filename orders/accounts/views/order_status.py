"""The order-status page every buyer reaches through a signed link (no account)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from orders.carriers import tracking_url
from shopsocial.mail.addresses import email_normalise

from ..selectors import order_email_proved_by_link, order_for_status_token
from ..services import order_email_prove
from .common import private_response


# --- Order status: a signed link, no account needed --------------------------------------
@require_http_methods(["GET", "HEAD", "POST"])
def order_status(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the order; a POST (the Confirm button: scanners only GET) proves that the
    order's email address is the buyer's (issue 30 item 4)."""
    order = order_for_status_token(token=token, retailer=request.tenant)
    if order is None:
        return private_response(render(request, "orders/order_status_invalid.html", status=404))
    just_proved = request.method == "POST" and order_email_prove(order=order)
    email = email_normalise(order.email or "")
    context = {
        "order": order,
        "token": token,
        "just_proved": just_proved,
        "email_proved": bool(email) and order_email_proved_by_link(order_id=order.pk, email=email),
        "tracking_url": tracking_url(carrier=order.carrier, tracking_number=order.tracking_number),
    }
    return private_response(render(request, "orders/order_status.html", context))
