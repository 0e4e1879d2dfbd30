"""Orders the retailer enters for a party guest, paid by the guest through a link.

The order is placed like a self-service one (`order_place`: catalog prices, stock held,
one totals calculation) on the scene's storefront and attributed to the scene; the
gateway's hosted payment page is opened for it and its link emailed to the guest. The
stock is held while the link can be paid (GUEST_PAYMENT_LINK_HOURS, under Stripe's 24 h
session limit); an unpaid order is then canceled and its stock released, as any other.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.gateways import gateway_get
from orders.models import Order
from orders.selectors import shipping_methods_active
from orders.services import CheckoutError, CustomerDetails, checkout_session_start
from orders.services.placement import order_place
from shopsocial.mail.addresses import email_normalise
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue

from .models import Scene
from .services import HOST_ADDRESS, SceneError, order_attribution_record


def _payment_link_hours() -> int:
    return min(settings.GUEST_PAYMENT_LINK_HOURS, 23)  # under Stripe's 24 h session limit


def scene_guest_order_create(
    *,
    scene: Scene,
    name: str,
    email: str,
    items: list[tuple[int, int]],
    ship_to_host: bool,
    address: dict[str, str] | None = None,
) -> tuple[Order, str]:
    """Place the guest's order for the scene and email them the payment link; (order, url)."""
    if not scene.is_open:
        raise SceneError("This party is closed; orders can no longer be entered.")
    if ship_to_host:
        if not scene.host_line1:
            raise SceneError("The host's address is not on the scene: ship to the guest.")
        ship = {field: getattr(scene, source) for field, source in HOST_ADDRESS.items()}
    else:
        ship = dict(address or {})
        if not all(
            ship.get(k) for k in ("ship_line1", "ship_city", "ship_state", "ship_postal_code")
        ):
            raise SceneError("Enter the guest's street address, city, state and ZIP code.")
    methods = shipping_methods_active()
    customer = CustomerDetails(email=email_normalise(email), full_name=name, **ship)
    try:
        with transaction.atomic():
            order = order_place(
                items=items,
                retailer=scene.retailer,
                customer=customer,
                gateway=gateway_get().name,
                shipping_method_code=methods[0].code if methods else "",
            )
            # The guest did not tick "show my first name to the host": it stays hidden.
            order_attribution_record(
                order=order, scene=scene, share_link=None, show_first_name=False
            )
            expires = timezone.now() + timedelta(hours=_payment_link_hours())
            Order.objects.filter(pk=order.pk).update(hold_expires_at=expires)
            order.hold_expires_at = expires
    except CheckoutError as exc:
        raise SceneError(exc.message) from exc
    try:
        url = checkout_session_start(order=order)
    except CheckoutError as exc:
        raise SceneError(exc.message) from exc
    email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=order.email,
        template="scene_guest_payment",
        context={
            "first_name": (name.split() or [""])[0],
            "title": scene.title,
            "retailer_name": scene.retailer.display_name,
            "number": order.number,
            "lines": [f"{line.quantity} × {line.display_name}" for line in order.lines.all()],
            "total": f"{order.total:.2f}",
            "payment_url": url,
            "pay_by": f"{order.hold_expires_at:%Y-%m-%d %H:%M} UTC",
            "privacy_url": scene.retailer.storefront_url("/privacy/"),
        },
        dedupe_key=f"order:{order.pk}:guest-payment-link",
    )
    return order, url


# --- The host's half-price items (the half-price reward tier) --------------------------
HALF_PRICE_LABEL = "HOST-HALF-PRICE"


def host_half_price_allowance(*, scene: Scene) -> int:
    """How many half-price items the host may buy: by the tier the closed party reached,
    none before closing or once redeemed (an unpaid, canceled redemption frees it)."""
    from .models import HostHalfPriceRedemption, RewardTier, SceneReward

    reward = SceneReward.objects.filter(scene=scene).first()
    if scene.is_open or reward is None:
        return 0
    taken = HostHalfPriceRedemption.objects.filter(scene=scene).exclude(
        order__status=Order.Status.CANCELED
    )
    if taken.exists():
        return 0
    tier = (
        RewardTier.objects.filter(active=True, min_sales__lte=reward.sales)
        .order_by("-min_sales")
        .first()
    )
    return tier.half_price_items if tier else 0


def host_half_price_order_create(
    *, scene: Scene, items: list[tuple[int, int]], address: dict[str, str]
) -> tuple[Order, str]:
    """The host's half-price items as one order, 50 % off, paid on the hosted page; once."""
    from .models import HostHalfPriceRedemption

    allowance = host_half_price_allowance(scene=scene)
    count = sum(quantity for _variant, quantity in items)
    if allowance == 0:
        raise SceneError("There are no half-price items to pick for this party.")
    if not 1 <= count <= allowance:
        raise SceneError(f"Pick from 1 to {allowance} half-price items.")
    ship = {field: getattr(scene, source) for field, source in HOST_ADDRESS.items()}
    if not scene.host_line1:
        ship = dict(address)
    if not all(ship.get(k) for k in ("ship_line1", "ship_city", "ship_state", "ship_postal_code")):
        raise SceneError("Enter your street address, city, state and ZIP code.")
    methods = shipping_methods_active()
    try:
        with transaction.atomic():
            # One live redemption per scene: the lock and the constraint make it certain.
            Scene.objects.select_for_update().get(pk=scene.pk)
            HostHalfPriceRedemption.objects.filter(
                scene=scene, order__status=Order.Status.CANCELED
            ).delete()
            order = order_place(
                items=items,
                retailer=scene.retailer,
                customer=CustomerDetails(email=scene.host_email, full_name=scene.host_name, **ship),
                gateway=gateway_get().name,
                shipping_method_code=methods[0].code if methods else "",
                percent_off=Decimal("50"),
                percent_off_label=HALF_PRICE_LABEL,
            )
            HostHalfPriceRedemption.objects.create(scene=scene, order=order, items=count)
    except CheckoutError as exc:
        raise SceneError(exc.message) from exc
    except IntegrityError as exc:
        raise SceneError("Your half-price items were already picked.") from exc
    try:
        url = checkout_session_start(order=order)
    except CheckoutError as exc:
        raise SceneError(exc.message) from exc
    return order, url
