"""Placing an order: one atomic use case that locks the products and reserves stock."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from retailers.models import Retailer
from storefront.cart import MAX_LINE_QUANTITY

from ..discounts.selectors import DiscountError, discount_amount_for
from ..discounts.services import discount_reserve
from ..hooks import GiftCardRecipientDetails, GiftCardRefused, giftcard_payment
from ..models import Order, OrderEvent, OrderLine, ShippingMethod
from ..selectors import (
    discount_code_valid,
    giftcard_available,
    giftcard_product_ids,
    shipping_method_get,
)
from ..tax.engines import Destination, RateTableEngine, tax_engine_get
from ..totals import PricedItem, Totals, discountable_merchandise, totals_calculate
from .errors import CheckoutError
from .holds import stock_hold_expiry, stock_holds_release_due
from .stock import stock_reserve

# No 0/O, 1/I/L or U: easy to read out on the phone.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CustomerDetails:
    email: str
    full_name: str
    ship_line1: str
    ship_city: str
    ship_state: str
    ship_postal_code: str
    phone: str = ""
    ship_line2: str = ""
    billing_same_as_shipping: bool = True
    bill_line1: str = ""
    bill_line2: str = ""
    bill_city: str = ""
    bill_state: str = ""
    bill_postal_code: str = ""
    note: str = ""


def order_number_new() -> str:
    """A human-friendly number like SS-7K4M-9QXP (30^8 ≈ 6.5e11 possibilities)."""
    body = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"SS-{body[:4]}-{body[4:]}"


def _quantities(items: Iterable[tuple[int, int]]) -> Counter[int]:
    quantities: Counter[int] = Counter()
    for variant_id, quantity in items:
        if not isinstance(quantity, int) or quantity < 1:
            raise CheckoutError(CheckoutError.Code.BAD_QUANTITY)
        quantities[int(variant_id)] += quantity
    if not quantities:
        raise CheckoutError(CheckoutError.Code.EMPTY_CART)
    if any(q > MAX_LINE_QUANTITY for q in quantities.values()):
        raise CheckoutError(CheckoutError.Code.BAD_QUANTITY)
    return quantities


def _order_save_with_unique_number(order: Order) -> None:
    for _attempt in range(5):
        order.number = order_number_new()
        try:
            with transaction.atomic():
                order.save()
            return
        except IntegrityError:
            if Order.objects.filter(number=order.number).exists():
                continue
            raise
    raise RuntimeError("could not allocate an order number")


def _discount_checked(*, code: str, merchandise, email: str, retailer_id: int | None):
    try:
        return discount_code_valid(
            code=code, merchandise=merchandise, email=email, retailer_id=retailer_id
        )
    except DiscountError as exc:
        raise CheckoutError(CheckoutError.Code.DISCOUNT, detail=str(exc)) from exc


def order_place(*, items: Iterable[tuple[int, int]], **details: Any) -> Order:
    """Place an order (`_order_place`, which says what the arguments mean).

    First, in their own transactions, expired stock holds on the variants it buys give
    their stock back (and no other holds: the shopper's request does not do beat's
    work), so a backlog never refuses this order as out of stock. Outside the placing
    transaction, the orders they cancel are locked one at a time, not piled up before
    `stock_reserve` locks the variants in primary-key order.
    """
    items = list(items)
    variant_ids = {v for v, _ in items if isinstance(v, int)}
    if variant_ids:
        stock_holds_release_due(variant_ids=variant_ids)
    return _order_place(items=items, **details)


@transaction.atomic
def _order_place(
    *,
    items: Iterable[tuple[int, int]],
    retailer: Retailer,
    customer: CustomerDetails,
    user=None,
    gateway: str = "",
    shipping_method_code: str = "",
    discount_code: str = "",
    helped_by: Retailer | None = None,
    percent_off: Decimal | None = None,
    percent_off_label: str = "",
    giftcard_code: str = "",
    use_store_credit: bool = False,
    giftcard_recipient: GiftCardRecipientDetails | None = None,
) -> Order:
    """Create a pending order, hold its stock and reserve its discount code, all or nothing.

    `items` are (variant_id, quantity) pairs; prices come from the catalog only, and
    every amount from the one totals calculation (`orders/totals.py`). Variants are
    locked in primary-key order (no deadlocks between checkouts); the hold expires
    after STOCK_HOLD_MINUTES.

    `helped_by` is the retailer a shopper on the company site says helped them; only
    the company site takes one, and only an active retailer can be named.

    `percent_off` (with its `percent_off_label`): a discount of this percentage of the
    merchandise instead of a code, for an autoship's repeat delivery (orders/autoship)
    or a party host's half-price items (storefront/scenes).

    `giftcard_code` / `use_store_credit` (a signed-in shopper): the card and the credit
    pay what they can of the total (`orders/totals.py`), held in their ledger in this
    transaction (orders/giftcards, through `orders.hooks`); the order's `amount_due` is
    what the gateway charges. Stripe Tax cannot tax goods partly paid by another tender,
    so such an order's tax is the rate table's (`tax_engine` records which).
    `giftcard_recipient`: who the gift cards the order buys are emailed to (else the
    buyer).
    """
    if helped_by is not None and not (
        retailer.is_company and not helped_by.is_company and helped_by.is_active
    ):
        raise CheckoutError(CheckoutError.Code.HELPER)
    quantities = _quantities(items)
    destination = Destination(state=customer.ship_state, postal_code=customer.ship_postal_code)
    if not destination.ships:
        raise CheckoutError(CheckoutError.Code.DESTINATION)
    method: ShippingMethod | None = shipping_method_get(code=shipping_method_code)
    if method is None:
        raise CheckoutError(CheckoutError.Code.SHIPPING_METHOD)
    variants = stock_reserve(quantities=quantities)
    cards = giftcard_product_ids()
    priced = [
        PricedItem(
            product_id=v.product_id,
            sku=v.sku,
            name=v.product.name,
            unit_price=v.price,
            quantity=quantities[v.pk],
            taxable=v.product.tax_category == v.product.TaxCategory.TAXABLE,
            variant_id=v.pk,
            variant_label=v.label,
            is_giftcard=v.product_id in cards,
        )
        for v in variants
    ]
    # A discount never applies to gift cards (a card bought at 20 % off would still be
    # issued at face value): codes and a scene's percent-off count the rest only.
    merchandise = discountable_merchandise(priced)
    if discount_code and merchandise <= 0:
        raise CheckoutError(
            CheckoutError.Code.DISCOUNT, detail=str(DiscountError.Code.GIFT_CARDS_ONLY.label)
        )
    code = (
        _discount_checked(
            code=discount_code,
            merchandise=merchandise,
            email=customer.email,
            retailer_id=retailer.pk,
        )
        if discount_code
        else None
    )
    if code:
        discount, label = discount_amount_for(code=code, merchandise=merchandise), code.code
    elif percent_off:
        discount, label = merchandise * percent_off / 100, percent_off_label
    else:
        discount, label = CENT * 0, ""
    user_or_none = user if user is not None and user.is_authenticated else None
    try:
        available = giftcard_available(
            code=giftcard_code,
            retailer=retailer,
            user=user_or_none,
            use_store_credit=use_store_credit,
        )
    except GiftCardRefused as exc:
        raise CheckoutError(
            CheckoutError.Code.GIFTCARD, detail=f"Gift card not applied: {exc.message}"
        ) from exc
    engine = tax_engine_get()
    if available > 0 and not engine.exact:
        engine = RateTableEngine()
    totals: Totals = totals_calculate(
        items=priced,
        shipping_method=method,
        discount_amount=discount,
        discount_code=label,
        destination=destination,
        tax_engine=engine,
        discount_company_funded=bool(code and code.company_funded),
        giftcard_available=available,
    )
    order = Order(
        retailer=retailer,
        helped_by=helped_by,
        customer=user if user is not None and user.is_authenticated else None,
        currency=totals.currency,
        subtotal=totals.merchandise,
        discount=totals.discount,
        discount_code=totals.discount_code,
        discount_company_funded=totals.discount_company_funded,
        shipping=totals.shipping,
        shipping_method=method,
        shipping_method_name=method.name,
        tax=totals.tax,
        tax_engine=totals.tax_engine,
        total=totals.total,
        giftcard_amount=totals.giftcard,
        hold_expires_at=stock_hold_expiry(),
        gateway=gateway,
        number="pending",
        **asdict(customer),
    )
    order.full_clean(exclude=["number"])
    _order_save_with_unique_number(order)
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                product_id=line.item.product_id,
                variant_id=line.item.variant_id,
                variant_label=line.item.variant_label,
                sku=line.item.sku,
                name=line.item.name,
                unit_price=line.item.unit_price,
                quantity=line.item.quantity,
                discount=line.discount,
                tax=line.tax,
                taxable=line.item.taxable,
            )
            for line in totals.lines
        ]
    )
    if code is not None:
        try:
            discount_reserve(
                code=code.code, order=order, merchandise=merchandise, email=customer.email
            )
        except DiscountError as exc:
            raise CheckoutError(CheckoutError.Code.DISCOUNT, detail=str(exc)) from exc
    if totals.giftcard > 0:
        handler = giftcard_payment()
        assert handler is not None  # available > 0 came from it
        try:
            handler.hold(
                order=order,
                code=giftcard_code,
                user=user_or_none,
                use_store_credit=use_store_credit,
                amount=totals.giftcard,
            )
        except GiftCardRefused as exc:  # spent meanwhile: the whole placement rolls back
            raise CheckoutError(
                CheckoutError.Code.GIFTCARD, detail=f"Gift card not applied: {exc.message}"
            ) from exc
    if giftcard_recipient is not None and any(i.is_giftcard for i in priced):
        handler = giftcard_payment()
        if handler is not None:
            handler.recipient_set(order=order, recipient=giftcard_recipient)
    OrderEvent.objects.create(
        order=order,
        from_status="",
        to_status=Order.Status.PENDING_PAYMENT,
        message=f"Placed on {retailer.slug}; stock held until {order.hold_expires_at:%H:%M} UTC",
        actor=f"user:{user.pk}" if order.customer_id else "shopper",
    )
    return order
