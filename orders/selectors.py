"""Order reads. Scoped reads take the retailer or the user they are for."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from retailers.models import Retailer
from storefront.models import Product

from .models import Order
from .services.money import shipping_for


@dataclass(frozen=True)
class SummaryLine:
    product: Product
    quantity: int
    unit_price: Decimal
    line_total: Decimal


@dataclass(frozen=True)
class CheckoutSummary:
    lines: list[SummaryLine]
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    currency: str


def checkout_summary(*, items: Iterable[tuple[int, int]]) -> CheckoutSummary:
    """What the order would cost now, from the catalog (display only; placement recomputes)."""
    quantities: Counter[int] = Counter()
    for product_id, quantity in items:
        if quantity > 0:
            quantities[product_id] += quantity
    products = Product.objects.filter(pk__in=quantities.keys(), active=True).order_by("name")
    lines = [
        SummaryLine(
            product=p,
            quantity=quantities[p.pk],
            unit_price=p.price,
            line_total=p.price * quantities[p.pk],
        )
        for p in products
    ]
    subtotal = sum((line.line_total for line in lines), start=Decimal("0.00"))
    shipping = shipping_for(subtotal) if lines else Decimal("0.00")
    currency = lines[0].product.currency if lines else "USD"
    return CheckoutSummary(
        lines=lines,
        subtotal=subtotal,
        shipping=shipping,
        total=subtotal + shipping,
        currency=currency,
    )


def order_for_checkout_session(*, retailer: Retailer, session_id: str) -> Order | None:
    if not session_id:
        return None
    return (
        Order.objects.filter(retailer=retailer, checkout_session_id=session_id)
        .prefetch_related("lines")
        .first()
    )


def order_list_for_customer(*, user) -> QuerySet[Order]:
    return Order.objects.filter(customer=user).select_related("retailer").order_by("-created_at")


def order_get_for_customer(*, user, number: str) -> Order | None:
    return (
        Order.objects.filter(customer=user, number=number)
        .select_related("retailer")
        .prefetch_related("lines", "events")
        .first()
    )


def order_last_for_customer(*, user) -> Order | None:
    """The signed-in shopper's latest order: prefills the checkout form."""
    if not user.is_authenticated:
        return None
    return Order.objects.filter(customer=user).order_by("-created_at").first()
