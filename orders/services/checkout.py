"""Checkout: place the order, then open the gateway's hosted payment page.

One pending order per cart: checking the same cart out again first closes the
previous order's payment session and cancels that order (releasing its stock and
its discount code), so abandoned attempts never pile up holds.
"""

from __future__ import annotations

from retailers.models import Retailer
from shopsocial.urls_util import storefront_reverse

from ..gateways import (
    CheckoutRequest,
    GatewayError,
    LineItem,
    PostalAddress,
    ShippingOption,
    gateway_get,
)
from ..hooks import GiftCardRecipientDetails, autoship_checkout, order_placed_hooks_run
from ..models import Order
from .errors import CheckoutError
from .money import to_minor
from .payment import order_paid_by_giftcard, order_payment_cancel, order_payment_confirm
from .placement import CustomerDetails, order_place


def checkout_request_build(order: Order, *, save_payment_method: bool = False) -> CheckoutRequest:
    """The order's stored totals, as the gateway is asked to charge them."""
    retailer = order.retailer
    method = order.shipping_method
    return CheckoutRequest(
        order_id=order.pk,
        order_number=order.number,
        retailer_slug=retailer.slug,
        currency=order.currency.lower(),
        line_items=[
            LineItem(
                name=line.display_name,
                sku=line.sku,
                unit_amount=to_minor(line.unit_price),
                quantity=line.quantity,
                taxable=line.taxable,
            )
            for line in order.lines.all()
        ],
        shipping=ShippingOption(
            name=order.shipping_method_name or "Shipping",
            amount=to_minor(order.shipping),
            days_min=method.delivery_days_min if method else 0,
            days_max=method.delivery_days_max if method else 0,
        ),
        discount_amount=to_minor(order.discount),
        discount_label=order.discount_code,
        giftcard_amount=to_minor(order.giftcard_amount),
        tax_amount=to_minor(order.tax),
        automatic_tax=order.tax_engine == "stripe_tax",
        ship_to=PostalAddress(
            name=order.full_name,
            line1=order.ship_line1,
            line2=order.ship_line2,
            city=order.ship_city,
            state=order.ship_state,
            postal_code=order.ship_postal_code,
        ),
        customer_email=order.email,
        success_url=storefront_reverse(retailer.slug, "orders:checkout-success")
        + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=storefront_reverse(retailer.slug, "orders:checkout-canceled", order.number),
        idempotency_key=f"order-{order.pk}-checkout",
        expires_at=int(order.hold_expires_at.timestamp()) if order.hold_expires_at else 0,
        save_payment_method=save_payment_method,
    )


def checkout_session_start(*, order: Order, save_payment_method: bool = False) -> str:
    """Open the gateway session for a placed order; return the hosted page's URL.

    Runs outside the placement transaction (an outbound call never holds row
    locks). If the gateway fails, the order is canceled and its stock released.

    An order the gift card / store credit pays in full skips the hosted page: it is paid
    at once and the shopper goes straight to the success page.
    """
    if order.amount_due <= 0:
        order = order_paid_by_giftcard(order_id=order.pk)
        return (
            storefront_reverse(order.retailer.slug, "orders:checkout-success")
            + f"?session_id={order.checkout_session_id}"
        )
    gateway = gateway_get()
    try:
        session = gateway.checkout_session_create(
            checkout_request_build(order, save_payment_method=save_payment_method)
        )
    except GatewayError as exc:
        order_payment_cancel(order_id=order.pk, actor="system", reason="Payment page unavailable")
        raise CheckoutError(CheckoutError.Code.GATEWAY) from exc
    Order.objects.filter(pk=order.pk, checkout_session_id="").update(
        checkout_session_id=session.id, gateway=gateway.name
    )
    order.checkout_session_id = session.id
    return session.url


def checkout_abandon(*, order_id: int, retailer: Retailer) -> Order | None:
    """The cart is checked out again: close the previous order's session, cancel the order.

    A session that was paid meanwhile is applied instead (the order becomes paid). If
    the gateway cannot close an open session, CheckoutError: nothing is replaced.
    """
    order = Order.objects.filter(
        pk=order_id, retailer=retailer, status=Order.Status.PENDING_PAYMENT
    ).first()
    if order is None:
        return None
    if order.checkout_session_id:
        gateway = gateway_get()
        try:
            gateway.checkout_session_expire(order.checkout_session_id)
        except GatewayError as exc:
            try:
                session = gateway.checkout_session_retrieve(order.checkout_session_id)
            except GatewayError:
                raise CheckoutError(CheckoutError.Code.GATEWAY) from exc
            if session.status == "open":
                raise CheckoutError(CheckoutError.Code.GATEWAY) from exc
            if session.payment_status == "paid":
                return order_payment_confirm(
                    order_id=order.pk, session=session, actor="checkout again"
                )
    return order_payment_cancel(
        order_id=order.pk, actor="shopper", reason="Replaced by a new checkout of the same cart"
    )


def checkout_begin(
    *,
    items: list[tuple[int, int]],
    retailer: Retailer,
    customer: CustomerDetails,
    user=None,
    shipping_method_code: str = "",
    discount_code: str = "",
    previous_order_id: int | None = None,
    attribution: dict[str, str] | None = None,
    show_first_name_to_host: bool = False,
    helped_by: Retailer | None = None,
    autoship: dict[int, int] | None = None,
    giftcard_code: str = "",
    use_store_credit: bool = False,
    giftcard_recipient: GiftCardRecipientDetails | None = None,
) -> tuple[Order, str]:
    """The whole checkout: replace the cart's previous pending order, hold stock, pay page.

    `attribution` is the scene / share-link codes the cart came through; they are
    recorded on the order (storefront.scenes, through `orders.hooks`) before the payment
    page opens. `autoship` is {variant_id: weeks} for the lines to deliver again
    (orders/autoship): they are recorded, waiting for the payment, and the gateway keeps
    the card. `giftcard_code` / `use_store_credit`: what pays before the gateway
    (`order_place`); a fully covered order never opens the payment page.
    """
    if autoship:
        autoship_checkout().check(user=user, choices=autoship, items=items)
    if previous_order_id is not None:
        checkout_abandon(order_id=previous_order_id, retailer=retailer)
    order = order_place(
        items=items,
        retailer=retailer,
        customer=customer,
        user=user,
        gateway=gateway_get().name,
        shipping_method_code=shipping_method_code,
        discount_code=discount_code,
        helped_by=helped_by,
        giftcard_code=giftcard_code,
        use_store_credit=use_store_credit,
        giftcard_recipient=giftcard_recipient,
    )
    if attribution:
        # scenes records it (a hook it registers: orders imports no scene code)
        order_placed_hooks_run(
            order=order, attribution=attribution, show_first_name_to_host=show_first_name_to_host
        )
    if autoship:
        autoship_checkout().pending_create(order=order, user=user, choices=autoship)
    return order, checkout_session_start(order=order, save_payment_method=bool(autoship))
