"""Placing an order: one atomic use case that locks the products and reserves stock."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from retailers.models import Retailer
from storefront.cart import MAX_LINE_QUANTITY
from storefront.models import Product

from ..models import Order, OrderEvent, OrderLine
from .errors import CheckoutError
from .money import CENT, shipping_for

# No 0/O, 1/I/L or U: easy to read out on the phone.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


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
    for product_id, quantity in items:
        if not isinstance(quantity, int) or quantity < 1:
            raise CheckoutError(CheckoutError.Code.BAD_QUANTITY)
        quantities[int(product_id)] += quantity
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


@transaction.atomic
def order_place(
    *,
    items: Iterable[tuple[int, int]],
    retailer: Retailer,
    customer: CustomerDetails,
    user=None,
    gateway: str = "",
) -> Order:
    """Create a pending order and reserve its stock, all or nothing.

    `items` are (product_id, quantity) pairs; prices come from the catalog only.
    Products are locked in primary-key order (no deadlocks between checkouts).
    """
    if retailer.is_company:
        raise CheckoutError(CheckoutError.Code.NOT_A_STOREFRONT)
    quantities = _quantities(items)
    products = list(
        Product.objects.select_for_update().filter(pk__in=quantities.keys()).order_by("pk")
    )
    found = {p.pk: p for p in products}
    unavailable = [p.name for p in products if not p.active]
    if len(found) != len(quantities) or unavailable:
        raise CheckoutError(CheckoutError.Code.UNAVAILABLE, unavailable)
    short = [p.name for p in products if p.stock < quantities[p.pk]]
    if short:
        raise CheckoutError(CheckoutError.Code.OUT_OF_STOCK, short)
    currencies = {p.currency for p in products}
    if len(currencies) != 1:
        raise CheckoutError(CheckoutError.Code.UNAVAILABLE)

    subtotal = sum((p.price * quantities[p.pk] for p in products), start=CENT * 0)
    shipping = shipping_for(subtotal)
    order = Order(
        retailer=retailer,
        customer=user if user is not None and user.is_authenticated else None,
        currency=currencies.pop(),
        subtotal=subtotal,
        shipping=shipping,
        total=subtotal + shipping,
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
                product=p,
                sku=p.sku,
                name=p.name,
                unit_price=p.price,
                quantity=quantities[p.pk],
            )
            for p in products
        ]
    )
    for p in products:
        Product.objects.filter(pk=p.pk).update(stock=F("stock") - quantities[p.pk])
    OrderEvent.objects.create(
        order=order,
        from_status="",
        to_status=Order.Status.PENDING_PAYMENT,
        message=f"Placed on {retailer.slug}; stock reserved",
        actor=f"user:{user.pk}" if order.customer_id else "shopper",
    )
    return order
