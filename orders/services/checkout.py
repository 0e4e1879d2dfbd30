"""Checkout: place the order, then open the gateway's hosted payment page."""

from __future__ import annotations

from collections.abc import Iterable

from retailers.models import Retailer
from shopsocial.urls_util import storefront_reverse

from ..gateways import CheckoutRequest, GatewayError, LineItem, gateway_get
from ..models import Order
from .errors import CheckoutError
from .money import to_minor
from .payment import order_payment_cancel
from .placement import CustomerDetails, order_place


def _checkout_request(order: Order) -> CheckoutRequest:
    retailer = order.retailer
    return CheckoutRequest(
        order_id=order.pk,
        order_number=order.number,
        retailer_slug=retailer.slug,
        currency=order.currency.lower(),
        line_items=[
            LineItem(
                name=line.name,
                sku=line.sku,
                unit_amount=to_minor(line.unit_price),
                quantity=line.quantity,
            )
            for line in order.lines.all()
        ],
        shipping_amount=to_minor(order.shipping),
        customer_email=order.email,
        success_url=storefront_reverse(retailer.slug, "orders:checkout-success")
        + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=storefront_reverse(retailer.slug, "orders:checkout-canceled", order.number),
        idempotency_key=f"order-{order.pk}-checkout",
    )


def checkout_session_start(*, order: Order) -> str:
    """Open the gateway session for a placed order; return the hosted page's URL.

    Runs outside the placement transaction (an outbound call never holds row
    locks). If the gateway fails, the order is canceled and its stock released.
    """
    gateway = gateway_get()
    try:
        session = gateway.checkout_session_create(_checkout_request(order))
    except GatewayError as exc:
        order_payment_cancel(order_id=order.pk, actor="system", reason="Payment page unavailable")
        raise CheckoutError(CheckoutError.Code.GATEWAY) from exc
    Order.objects.filter(pk=order.pk, checkout_session_id="").update(
        checkout_session_id=session.id, gateway=gateway.name
    )
    order.checkout_session_id = session.id
    return session.url


def checkout_begin(
    *,
    items: Iterable[tuple[int, int]],
    retailer: Retailer,
    customer: CustomerDetails,
    user=None,
) -> tuple[Order, str]:
    """The whole checkout: reserve stock in one transaction, then the payment page URL."""
    order = order_place(
        items=items, retailer=retailer, customer=customer, user=user, gateway=gateway_get().name
    )
    return order, checkout_session_start(order=order)
