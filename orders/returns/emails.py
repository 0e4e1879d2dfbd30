"""Return email: the instructions and the label placeholder, a row written with the request.

The refund email itself is the order's (`orders.emails.order_refund_enqueue`), sent by
the refund service.
"""

from __future__ import annotations

from django.conf import settings

from shopsocial.mail.links import email_links_spec
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_reverse

from .models import ReturnRequest


def return_instructions_enqueue(*, request: ReturnRequest) -> OutboundEmail:
    order = request.order
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=order.email,
        template="return_instructions",
        context={
            "first_name": (order.full_name.split() or [""])[0],
            "number": request.number,
            "order_number": order.number,
            "retailer_name": order.retailer.display_name,
            "placed_on": "our website"
            if order.retailer.is_company
            else f"{order.retailer.display_name}'s storefront",
            "lines": [
                f"{line.quantity} × {line.order_line.display_name} ({line.get_reason_display()})"
                for line in request.lines.select_related("order_line")
            ],
            "return_address": settings.RETURN_ADDRESS,
            "returns_url": company_reverse("pages:detail", "returns"),
            "privacy_url": company_reverse("privacy:policy"),
            "links": email_links_spec("accounts.order_status", order_id=order.pk),
        },
        dedupe_key=f"return:{request.pk}:instructions",
    )
