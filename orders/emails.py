"""Order email: each is an OutboundEmail row written in the transaction of its cause.

Contexts are JSON-serialisable and hold only what the message shows (no address,
never any payment detail beyond the amounts).
"""

from __future__ import annotations

from decimal import Decimal

from shopsocial.mail.links import email_links_spec
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_reverse, storefront_reverse

from .carriers import carrier_display_name, tracking_url
from .hooks import order_email_extras
from .models import Order


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def order_email_context(order: Order) -> dict:
    retailer = order.retailer
    return {
        "number": order.number,
        "full_name": order.full_name,
        "retailer_name": retailer.display_name,
        "placed_on": "our website"
        if retailer.is_company
        else f"{retailer.display_name}'s storefront",
        "storefront_url": storefront_reverse(retailer.slug, "storefront:home"),
        "account_orders_url": storefront_reverse(
            retailer.slug, "orders:account-order-detail", order.number
        )
        if order.customer_id
        else "",
        "privacy_url": company_reverse("privacy:policy"),
        # The signed order-status link, made when the email is rendered (never stored).
        "links": email_links_spec("accounts.order_status", order_id=order.pk),
        "currency": order.currency,
        "lines": [
            {
                "name": line.name,
                "display_name": line.display_name,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price": _money(line.unit_price),
                "line_total": _money(line.line_total),
            }
            for line in order.lines.all()
        ],
        "subtotal": _money(order.subtotal),
        "discount": _money(order.discount),
        "discount_code": order.discount_code,
        "shipping": _money(order.shipping),
        "shipping_method": order.shipping_method_name,
        "tax": _money(order.tax),
        "total": _money(order.total),
        "giftcard": _money(order.giftcard_amount),
        "amount_due": _money(order.amount_due),
    }


def order_confirmation_enqueue(*, order: Order) -> OutboundEmail:
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=order.email,
        template="order_confirmation",
        context=order_email_context(order),
        dedupe_key=f"order:{order.pk}:confirmation",
    )


def order_shipped_enqueue(*, order: Order) -> OutboundEmail:
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=order.email,
        template="order_shipped",
        context={
            **order_email_context(order),
            "carrier": carrier_display_name(order.carrier),
            "tracking_number": order.tracking_number,
            "tracking_url": tracking_url(
                carrier=order.carrier, tracking_number=order.tracking_number
            ),
            **order_email_extras(order=order, template="order_shipped"),
        },
        dedupe_key=f"order:{order.pk}:shipped",
    )


def order_refund_enqueue(*, order: Order, amount: Decimal) -> OutboundEmail:
    """One notice per refunded total reached (a replayed refund event sends nothing)."""
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=order.email,
        template="order_refunded",
        context={
            **order_email_context(order),
            "refund_amount": _money(amount),
            "refunded_total": _money(order.refunded_amount),
            "refunded_tax": _money(order.refunded_tax),
            "fully_refunded": order.status == Order.Status.REFUNDED,
        },
        dedupe_key=f"order:{order.pk}:refund:{_money(order.refunded_amount)}",
    )
