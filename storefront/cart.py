"""The shopping cart: kept in the session, one cart per storefront.

The session holds only `{variant_id: quantity}` under `cart:<schema>:variants`, one per
storefront (beside `cart:<schema>:via`, `:discount`...; a cart of product ids from before
variants, under `cart:<schema>`, is simply not read);
prices are always re-read from the catalog. Reading never creates a session: an
anonymous visitor gets a cookie only once they add something.

    cart = Cart(request)
    cart.add(variant, 2)            # CartError with a shopper-facing message on refusal
    cart.set_quantity(variant.pk, 1)
    for line in cart.lines(): ...   # variants on sale only, current prices
    cart.subtotal(), cart.count(), cart.variant_ids()
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest

from shopsocial.db_router import primary_reads

from .models import Product, ProductImage, ProductVariant
from .selectors import variants_for_cart, variants_for_cart_read, variants_keep

# The one limit per cart or order line whatever the stock (typos like 1000 instead of 10);
# order placement, the forms and the quantity inputs all read it from here.
MAX_LINE_QUANTITY = 99
MAX_LINE_QUANTITY_MESSAGE = f"You can order at most {MAX_LINE_QUANTITY} of one item."
# Autoship (orders/autoship): a line may be delivered again every 4, 8 or 12 weeks.
AUTOSHIP_WEEKS = (4, 8, 12)


class CartError(ValueError):
    """A refused cart change; `str(error)` is a message fit for the shopper."""


def variant_display_name(variant: ProductVariant) -> str:
    """ "Scented candle (Cedar, 16 oz)", or the product name for a single-variant product."""
    label = variant.label
    return f"{variant.product.name} ({label})" if label else variant.product.name


@dataclass(frozen=True)
class CartLine:
    variant: ProductVariant
    quantity: int
    unit_price: Decimal
    every_weeks: int = 0  # autoship: 0 once, else 4 / 8 / 12

    @property
    def product(self) -> Product:
        return self.variant.product

    @property
    def label(self) -> str:
        return self.variant.label

    @property
    def display_name(self) -> str:
        return variant_display_name(self.variant)

    @property
    def image(self) -> ProductImage | None:
        """The variant's first picture, else the product's (images are prefetched)."""
        images = list(self.product.images.all())
        own = [i for i in images if i.variant_id == self.variant.pk]
        shared = [i for i in images if i.variant_id is None]
        return (own or shared or [None])[0]

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def exceeds_stock(self) -> bool:
        """Stock fell below the quantity since it was added (checkout must refuse)."""
        return self.quantity > self.variant.stock


class Cart:
    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        tenant = getattr(request, "tenant", None)
        self.key = f"cart:{getattr(tenant, 'schema_name', 'public')}"  # prefix of cart data
        self.items_key = f"{self.key}:variants"
        self._variants_read: tuple[list[int], dict[str, ProductVariant]] | None = None

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
        raw = self.request.session.get(self.items_key)
        if not isinstance(raw, dict):
            return {}
        items: dict[str, int] = {}
        for key, value in raw.items():
            if str(key).isdecimal() and str(key).isascii() and type(value) is int and value > 0:
                items[str(key)] = value
        return items

    def _save(self, items: dict[str, int]) -> None:
        self.request.session[self.items_key] = items
        self.request.session.modified = True

    # --- reads ----------------------------------------------------------------
    def variant_ids(self) -> list[int]:
        return [int(pk) for pk in self._items()]

    def quantities(self) -> list[tuple[int, int]]:
        """(variant_id, quantity) of every line as the session holds it (no query; lines
        no longer on sale are still here: `lines()` leaves them out)."""
        return [(int(pk), quantity) for pk, quantity in self._items().items()]

    def quantity_of(self, variant_id: int) -> int:
        return self._items().get(str(variant_id), 0)

    def count(self) -> int:
        """Number of items (sum of quantities); no database query."""
        return sum(self._items().values())

    def __len__(self) -> int:
        return self.count()

    def is_empty(self) -> bool:
        return not self._items()

    def _variants(self, ids: list[int]) -> dict[str, ProductVariant]:
        """The cart's variants with their products and pictures, on sale or not, by id,
        as kept in the shared cache (storefront.selectors.variants_for_cart: current
        prices and stock, deleted by every write to them); once per Cart for the same
        ids: the cart page drops what went off sale, then shows the lines, from one read."""
        if self._variants_read is not None and self._variants_read[0] == ids:
            return self._variants_read[1]
        found = {str(pk): variant for pk, variant in variants_for_cart(ids).items()}
        self._variants_read = (list(ids), found)
        return found

    def lines(self) -> list[CartLine]:
        """Lines for variants still on sale, in the order they were added, at current prices."""
        items = self._items()
        if not items:
            return []
        found = self._variants([int(pk) for pk in items])
        by_id = {pk: v for pk, v in found.items() if v.on_sale}
        autoship = self.autoship()
        return [
            CartLine(
                variant=by_id[pk],
                quantity=qty,
                unit_price=by_id[pk].price,
                every_weeks=autoship.get(int(pk), 0),
            )
            for pk, qty in items.items()
            if pk in by_id
        ]

    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines()), Decimal("0.00"))

    # --- writes ---------------------------------------------------------------
    def add(self, variant: ProductVariant, quantity: int) -> int:
        """Add `quantity` of `variant`; returns the new line quantity."""
        _check_quantity(quantity, minimum=1)
        if not variant.on_sale:
            raise CartError(f"Sorry, {variant_display_name(variant)} is no longer available.")
        items = self._items()
        new_quantity = items.get(str(variant.pk), 0) + quantity
        _check_stock(variant, new_quantity, in_cart=items.get(str(variant.pk), 0))
        items[str(variant.pk)] = new_quantity
        self._save(items)
        return new_quantity

    def set_quantity(self, variant_id: int, quantity: int) -> int:
        """Set the line's quantity (0 removes it); returns the new quantity."""
        _check_quantity(quantity, minimum=0)
        items = self._items()
        if str(variant_id) not in items:
            raise CartError("That item is not in your cart.")
        if quantity == 0:
            self.remove(variant_id)
            return 0
        variant = _variants_on_sale().select_related("product").filter(pk=variant_id).first()
        if variant is None:
            raise CartError("Sorry, that item is no longer available.")
        _check_stock(variant, quantity, in_cart=None)
        items[str(variant_id)] = quantity
        self._save(items)
        return quantity

    def remove(self, variant_id: int) -> None:
        items = self._items()
        if items.pop(str(variant_id), None) is not None:
            self._save(items)

    def remove_unavailable(self) -> list[str]:
        """Drop lines whose variant or product was deactivated or withdrawn; returns names."""
        items = self._items()
        if not items:
            return []
        ids = [int(pk) for pk in items]
        found = self._variants(ids)
        names = {int(pk): variant_display_name(v) for pk, v in found.items()}
        gone = [pk for pk in ids if str(pk) not in found or not found[str(pk)].on_sale]
        if gone:  # confirmed from the database before a line is dropped for good
            with primary_reads():
                now = variants_for_cart_read(gone)
            back = {pk: v for pk, v in now.items() if v.on_sale}
            if back:  # a kept copy was older than the database: shown and kept anew
                found.update((str(pk), v) for pk, v in back.items())
                variants_keep(back)
            gone = [pk for pk in gone if pk not in back]
        if not gone:
            return []
        for pk in gone:
            items.pop(str(pk), None)
        self._save(items)
        return [names.get(pk, "An item") for pk in gone]

    def clear(self) -> None:
        if self._has_session():
            for key in (self.items_key, self.key, self._via_key, self._autoship_key):
                self.request.session.pop(key, None)

    # --- autoship: which lines are delivered again, every N weeks (orders/autoship) ---
    @property
    def _autoship_key(self) -> str:
        return f"{self.key}:autoship"

    def autoship(self) -> dict[int, int]:
        """{variant_id: weeks} for the cart's lines chosen to be delivered again."""
        if not self._has_session():
            return {}
        raw = self.request.session.get(self._autoship_key)
        if not isinstance(raw, dict):
            return {}
        items = self._items()
        return {
            int(k): v
            for k, v in raw.items()
            if str(k) in items and type(v) is int and v in AUTOSHIP_WEEKS
        }

    def autoship_set(self, variant_id: int, weeks: int) -> None:
        """Deliver the line every `weeks` weeks (0: once). CartError when not in the cart."""
        if str(variant_id) not in self._items():
            raise CartError("That item is not in your cart.")
        if weeks not in (0, *AUTOSHIP_WEEKS):
            raise CartError("Choose once, or every 4, 8 or 12 weeks.")
        chosen = {str(k): v for k, v in self.autoship().items() if k != variant_id}
        if weeks:
            chosen[str(variant_id)] = weeks
        self.request.session[self._autoship_key] = chosen
        self.request.session.modified = True

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


def _variants_on_sale():
    return ProductVariant.objects.filter(active=True, product__active=True)


def _check_stock(variant: ProductVariant, quantity: int, *, in_cart: int | None) -> None:
    if quantity <= variant.stock:
        return
    name = variant_display_name(variant)
    if variant.stock == 0:
        raise CartError(f"Sorry, {name} is out of stock.")
    message = f"Only {variant.stock} of {name} in stock"
    if in_cart:
        message += f" and you already have {in_cart} in your cart"
    raise CartError(message + ".")
