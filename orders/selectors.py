"""Order reads. Scoped reads take the retailer or the user they are for."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from retailers.finder import FEATURED_COUNT, retailers_active
from retailers.models import Retailer
from shopsocial.db_router import primary_reads
from shopsocial.invalidation import BESTSELLER_IDS, cached, shipping_method_key
from storefront.models import Product
from storefront.selectors import (
    BESTSELLER_COUNT,
    product_qs_active,
    products_by_ids,
    variants_for_cart,
    variants_for_cart_read,
    variants_keep,
)
from storefront.selectors import CACHE_TTL as CATALOG_CACHE_TTL

from .discounts.models import DiscountCode
from .discounts.selectors import DiscountError, discount_amount_for, discount_code_check
from .hooks import GiftCardRefused, giftcard_payment
from .models import Order, OrderLine, ShippingMethod
from .tax.engines import Destination
from .totals import PricedItem, Totals, discountable_merchandise, totals_calculate


def shipping_methods_active() -> list[ShippingMethod]:
    return list(ShippingMethod.objects.filter(active=True))


def shipping_method_get(*, code: str = "") -> ShippingMethod | None:
    """The active method with this code; with no code, the first (cheapest) active one."""
    methods = ShippingMethod.objects.filter(active=True)
    return methods.filter(code=code).first() if code else methods.first()


# The free-shipping hint's method is kept in the shared cache; a ShippingMethod write
# deletes it (shopsocial/invalidation.py). Cart lines are priced from the variants as
# the cart keeps them (storefront.selectors.variants_for_cart: deleted by every write
# to a variant, its product or its pictures). Order placement reads its rows itself,
# under lock (orders/services/placement.py).
_CACHE_SECONDS = 300


def shipping_method_for_display(*, code: str = "") -> ShippingMethod | None:
    """`shipping_method_get`, kept in the shared cache until a shipping method changes."""
    return cached(
        shipping_method_key(code),
        lambda: shipping_method_get(code=code),
        timeout=_CACHE_SECONDS,
    )


def priced_items(*, items: Iterable[tuple[int, int]], fresh: bool = False) -> list[PricedItem]:
    """Cart lines, as (variant_id, quantity), priced from the catalog now (on sale, by
    name): from the variants the cart keeps, or with `fresh` from the primary database
    (the checkout page: the amount the shopper is about to pay)."""
    quantities: Counter[int] = Counter()
    for variant_id, quantity in items:
        if quantity > 0:
            quantities[variant_id] += quantity
    return list(_priced_items(quantities, fresh=fresh))


def giftcard_product_ids() -> frozenset[int]:
    """The catalog products that are gift cards (orders/giftcards says; none without it)."""
    handler = giftcard_payment()
    return handler.product_ids() if handler is not None else frozenset()


def _priced_items(quantities: Counter[int], *, fresh: bool = False) -> tuple[PricedItem, ...]:
    if not quantities:
        return ()
    if fresh:
        with primary_reads():
            found = variants_for_cart_read(list(quantities))
        variants_keep(found)  # the cart pages show what was just read, too
    else:
        found = variants_for_cart(quantities)
    variants = sorted(
        (v for v in found.values() if v.on_sale),
        key=lambda v: (v.product.name, v.position, v.pk),
    )
    return tuple(
        PricedItem(
            product_id=v.product_id,
            sku=v.sku,
            name=v.product.name,
            unit_price=v.price,
            quantity=quantities[v.pk],
            taxable=v.product.tax_category == Product.TaxCategory.TAXABLE,
            variant_id=v.pk,
            variant_label=v.label,
        )
        for v in variants
    )


def giftcards_marked(items: Iterable[PricedItem]) -> list[PricedItem]:
    """The items with their gift-card products marked (one query; only where a card pays
    or the checkout asks for a recipient, so cart pages keep their query budget)."""
    items = list(items)
    cards = giftcard_product_ids() if items else frozenset()
    return [replace(i, is_giftcard=i.product_id in cards) for i in items]


def discount_code_valid(
    *, code: str, merchandise: Decimal, email: str = "", retailer_id: int | None = None
) -> DiscountCode:
    """The code if the shopper may use it on this merchandise now (DiscountError if not).

    `retailer_id`: the storefront it is used on (default: the current request's).
    """
    return discount_code_check(
        code=code, merchandise=merchandise, email=email, retailer_id=retailer_id
    )


@dataclass(frozen=True)
class CheckoutQuote:
    """What the order would cost now (display; placement recomputes the same way)."""

    totals: Totals
    discount_error: str = ""
    giftcard_error: str = ""
    giftcard_available: Decimal = Decimal("0.00")  # what the card / credit holds now

    @property
    def giftcard_left(self) -> Decimal:
        """What stays on the card / credit after this order."""
        return self.giftcard_available - self.totals.giftcard


def giftcard_available(
    *, code: str, retailer: Retailer, user=None, use_store_credit: bool = False
) -> Decimal:
    """What a gift-card code and/or the shopper's store credit can pay now (no lock);
    GiftCardRefused (with a message for the shopper) for a code that cannot pay."""
    handler = giftcard_payment()
    if handler is None or (not code and not use_store_credit):
        return Decimal("0.00")
    return handler.available(
        code=code, user=user, use_store_credit=use_store_credit, retailer=retailer
    )


def checkout_quote(
    *,
    items: Iterable[tuple[int, int]],
    shipping_method_code: str = "",
    discount_code: str = "",
    email: str = "",
    destination: Destination | None = None,
    giftcard_code: str = "",
    user=None,
    use_store_credit: bool = False,
    retailer: Retailer | None = None,
    fresh: bool = False,
) -> CheckoutQuote:
    """The one totals calculation applied to a cart (cart page, checkout page; `fresh`:
    priced from the database, see `priced_items`).

    An unusable code is left out of the totals and explained in `discount_error`; an
    unusable gift card in `giftcard_error`.
    """
    priced = priced_items(items=items, fresh=fresh)
    discount_amount, applied, error = Decimal("0.00"), "", ""
    company_funded = False
    if discount_code and priced:
        priced = giftcards_marked(priced)  # a discount never applies to gift cards
        merchandise = discountable_merchandise(priced)
        try:
            if merchandise <= 0:
                raise DiscountError(DiscountError.Code.GIFT_CARDS_ONLY)
            code = discount_code_valid(code=discount_code, merchandise=merchandise, email=email)
        except DiscountError as exc:
            error = str(exc)
        else:
            discount_amount = discount_amount_for(code=code, merchandise=merchandise)
            applied = code.code
            company_funded = code.company_funded
    if destination is not None and not destination.ships:
        destination = None
    giftcard_error, available = "", Decimal("0.00")
    if priced and retailer is not None:
        try:
            available = giftcard_available(
                code=giftcard_code,
                retailer=retailer,
                user=user if user is not None and user.is_authenticated else None,
                use_store_credit=use_store_credit,
            )
        except GiftCardRefused as exc:
            giftcard_error = exc.message
    if available > 0 and not discount_code:  # (marked above when there is a code)
        priced = giftcards_marked(priced)  # a card never pays for gift-card products
    totals = totals_calculate(
        items=priced,
        shipping_method=shipping_method_for_display(code=shipping_method_code),
        discount_amount=discount_amount,
        discount_code=applied,
        destination=destination,
        discount_company_funded=company_funded,
        giftcard_available=available,
    )
    return CheckoutQuote(
        totals=totals,
        discount_error=error,
        giftcard_error=giftcard_error,
        giftcard_available=available,
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


def retailers_best_selling(*, limit: int = FEATURED_COUNT) -> list[Retailer]:
    """The finder's featured shops: most paid or shipped orders in the last 90 days, newest
    shops filling up (an orders read, so the finder in retailers takes it as `featured=`)."""
    since = timezone.now() - timedelta(days=90)
    sold = [Order.Status.PAID, Order.Status.SHIPPED]
    rows = (
        retailers_active()
        .annotate(
            recent_orders=Count(
                "orders",
                filter=Q(orders__created_at__gte=since, orders__status__in=sold),
            )
        )
        .order_by("-recent_orders", "-created_at", "pk")[:limit]
    )
    return list(rows)


def order_count_gauges() -> dict[str, tuple[str, float]]:
    """Orders placed and paid (all time), for the metrics scrape."""
    counts = Order.objects.aggregate(
        placed=Count("pk"), paid=Count("pk", filter=Q(paid_at__isnull=False))
    )
    return {
        "shopsocial_orders_placed": ("Orders placed (all time)", counts["placed"]),
        "shopsocial_orders_paid": ("Orders paid (all time)", counts["paid"]),
    }


def bestsellers(*, limit: int = BESTSELLER_COUNT, images: bool = True) -> list[Product]:
    """Company-wide bestsellers by quantity in paid or shipped orders; newest when none.

    The catalog pages show them, but the count is of order lines, so it lives here.
    """

    # The retailers' starter kit is sold at registration, not shown to shoppers as a pick;
    # nor is a gift card (orders/giftcards): it is money, not a product to recommend.
    kit = settings.TEAM_STARTER_KIT_CATEGORY

    def build(limit: int) -> list[int]:
        cards = giftcard_product_ids()  # read only when the ranking is built
        ids = list(
            OrderLine.objects.filter(
                order__status__in=[Order.Status.PAID, Order.Status.SHIPPED],
                product__active=True,
            )
            .exclude(product__category__slug=kit)
            .exclude(product_id__in=cards)
            .values("product_id")
            .annotate(sold=Sum("quantity"))
            .order_by("-sold", "product_id")
            .values_list("product_id", flat=True)[:limit]
        )
        if len(ids) < limit:
            newest = (
                product_qs_active()
                .exclude(pk__in=ids)
                .exclude(category__slug=kit)
                .exclude(pk__in=cards)
                .order_by("-created_at", "-pk")
                .values_list("pk", flat=True)[: limit - len(ids)]
            )
            ids += list(newest)
        return ids

    # Catalog writes delete the ranking; orders change it too: kept at most CACHE_TTL s.
    ranking = cached(BESTSELLER_IDS, lambda: build(BESTSELLER_COUNT), timeout=CATALOG_CACHE_TTL)
    ids = ranking[:limit] if limit <= BESTSELLER_COUNT else build(limit)
    return products_by_ids(ids=ids, images=images)
