"""The shopping cart: kept in the session, one cart per storefront.

The session holds only `{product_id: quantity}` under a key per storefront schema;
prices are always re-read from the catalog. Reading never creates a session: an
anonymous visitor gets a cookie only once they add something.

    cart = Cart(request)
    cart.add(product, 2)            # CartError with a shopper-facing message on refusal
    cart.set_quantity(product.pk, 1)
    for line in cart.lines(): ...   # active products only, current prices
    cart.subtotal(), cart.count(), cart.product_ids()
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest

from shopsocial.versions import memoized

from .models import Product, ProductImage

# The one limit per cart or order line whatever the stock (typos like 1000 instead of 10);
# order placement, the forms and the quantity inputs all read it from here.
MAX_LINE_QUANTITY = 99
MAX_LINE_QUANTITY_MESSAGE = f"You can order at most {MAX_LINE_QUANTITY} of one item."


class CartError(ValueError):
    """A refused cart change; `str(error)` is a message fit for the shopper."""


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: int
    unit_price: Decimal

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def exceeds_stock(self) -> bool:
        """Stock fell below the quantity since it was added (checkout must refuse)."""
        return self.quantity > self.product.stock


class Cart:
    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        tenant = getattr(request, "tenant", None)
        self.key = f"cart:{getattr(tenant, 'schema_name', 'public')}"

    # --- session plumbing ---------------------------------------------------
    def _has_session(self) -> bool:
        """True when the visitor already has a session; reading never creates one."""
        session = getattr(self.request, "session", None)
        if session is None:
            return False
        return bool(
            self.request.COOKIES.get(settings.SESSION_COOKIE_NAME) or session.session_key
        ) or bool(getattr(session, "modified", False))

    def _items(self) -> dict[str, int]:
        if not self._has_session():
            return {}
        raw = self.request.session.get(self.key)
        if not isinstance(raw, dict):
            return {}
        items: dict[str, int] = {}
        for key, value in raw.items():
            if str(key).isdecimal() and str(key).isascii() and type(value) is int and value > 0:
                items[str(key)] = value
        return items

    def _save(self, items: dict[str, int]) -> None:
        self.request.session[self.key] = items
        self.request.session.modified = True

    # --- reads ----------------------------------------------------------------
    def product_ids(self) -> list[int]:
        return [int(pk) for pk in self._items()]

    def quantity_of(self, product_id: int) -> int:
        return self._items().get(str(product_id), 0)

    def count(self) -> int:
        """Number of items (sum of quantities); no database query."""
        return sum(self._items().values())

    def __len__(self) -> int:
        return self.count()

    def is_empty(self) -> bool:
        return not self._items()

    def _products(self, ids: list[int]) -> dict[str, Product]:
        """The cart's products, on sale or not, by id (process memory under the catalog
        and stock versions, so prices and stock are always current)."""

        def fetch() -> dict[str, Product]:
            products = Product.objects.filter(pk__in=ids).defer("search_vector")
            products = products.select_related("category").prefetch_related(
                Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"))
            )
            return {str(p.pk): p for p in products}

        key = ("cart-products", tuple(sorted(ids)))
        return memoized(key, fetch, depends=("catalog", "stock"), ttl=60)

    def lines(self) -> list[CartLine]:
        """Lines for products still on sale, in the order they were added, at current prices."""
        items = self._items()
        if not items:
            return []
        found = self._products([int(pk) for pk in items])
        by_id = {pk: p for pk, p in found.items() if p.active}
        return [
            CartLine(product=by_id[pk], quantity=qty, unit_price=by_id[pk].price)
            for pk, qty in items.items()
            if pk in by_id
        ]

    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines()), Decimal("0.00"))

    # --- writes ---------------------------------------------------------------
    def add(self, product: Product, quantity: int) -> int:
        """Add `quantity` of `product`; returns the new line quantity."""
        _check_quantity(quantity, minimum=1)
        if not product.active:
            raise CartError(f"Sorry, {product.name} is no longer available.")
        items = self._items()
        new_quantity = items.get(str(product.pk), 0) + quantity
        _check_stock(product, new_quantity, in_cart=items.get(str(product.pk), 0))
        items[str(product.pk)] = new_quantity
        self._save(items)
        return new_quantity

    def set_quantity(self, product_id: int, quantity: int) -> int:
        """Set the line's quantity (0 removes it); returns the new quantity."""
        _check_quantity(quantity, minimum=0)
        items = self._items()
        if str(product_id) not in items:
            raise CartError("That item is not in your cart.")
        if quantity == 0:
            self.remove(product_id)
            return 0
        product = Product.objects.filter(pk=product_id, active=True).first()
        if product is None:
            raise CartError("Sorry, that item is no longer available.")
        _check_stock(product, quantity, in_cart=None)
        items[str(product_id)] = quantity
        self._save(items)
        return quantity

    def remove(self, product_id: int) -> None:
        items = self._items()
        if items.pop(str(product_id), None) is not None:
            self._save(items)

    def remove_unavailable(self) -> list[str]:
        """Drop lines whose product was deactivated or withdrawn; returns their names."""
        items = self._items()
        if not items:
            return []
        ids = [int(pk) for pk in items]
        found = self._products(ids)
        names = {int(pk): p.name for pk, p in found.items()}
        gone = [pk for pk in ids if str(pk) not in found or not found[str(pk)].active]
        if not gone:
            return []
        for pk in gone:
            items.pop(str(pk), None)
        self._save(items)
        return [names.get(pk, "An item") for pk in gone]

    def clear(self) -> None:
        if self._has_session():
            for key in (self.key, self._via_key):
                self.request.session.pop(key, None)

    # --- where the cart came from (a scene, a share link): order data, never a cookie ---
    @property
    def _via_key(self) -> str:
        return f"{self.key}:via"

    def attribution(self) -> dict[str, str]:
        """{"scene": code, "link": code} the shopper added items through (codes only)."""
        if not self._has_session():
            return {}
        raw = self.request.session.get(self._via_key)
        if not isinstance(raw, dict):
            return {}
        return {
            k: v
            for k, v in raw.items()
            if k in ("scene", "link") and isinstance(v, str) and v.isalnum() and len(v) <= 8
        }

    def attribution_set(self, *, scene: str = "", link: str = "") -> None:
        """Remember the scene / link of the latest add (only when the shopper acts)."""
        via = {k: v for k, v in (("scene", scene), ("link", link)) if v}
        if via:
            self.request.session[self._via_key] = {**self.attribution(), **via}
            self.request.session.modified = True


def _check_quantity(quantity: int, *, minimum: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise CartError("Please enter a whole number.")
    if quantity < minimum:
        raise CartError(f"Please enter a quantity of at least {minimum}.")
    if quantity > MAX_LINE_QUANTITY:
        raise CartError(MAX_LINE_QUANTITY_MESSAGE)


def _check_stock(product: Product, quantity: int, *, in_cart: int | None) -> None:
    if quantity <= product.stock:
        return
    if product.stock == 0:
        raise CartError(f"Sorry, {product.name} is out of stock.")
    message = f"Only {product.stock} of {product.name} in stock"
    if in_cart:
        message += f" and you already have {in_cart} in your cart"
    raise CartError(message + ".")
