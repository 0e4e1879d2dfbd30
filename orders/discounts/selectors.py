"""Discount code reads: is this code usable now, and what does it take off.

The writes (reserve, redeem, release, issue) are in services.py; the rules they check
are here, so the cart's totals and the checkout read them without importing a service.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, models
from django.utils import timezone

from .models import DiscountCode, DiscountRedemption

CENT = Decimal("0.01")
COUNTING = [DiscountRedemption.Status.RESERVED, DiscountRedemption.Status.REDEEMED]


class DiscountError(Exception):
    """A code the shopper cannot use now; `str(error)` is the message to show."""

    class Code(models.TextChoices):
        UNKNOWN = "unknown", "We don't recognise that code. Check it and try again."
        NOT_YET = "not_yet", "That code is not valid yet."
        EXPIRED = "expired", "That code has expired."
        USED_UP = "used_up", "That code has been used up."
        USED_BY_YOU = "used_by_you", "You have already used that code."
        BELOW_MINIMUM = "below_minimum", "Your cart is below that code's minimum."
        TOO_MANY_TRIES = "too_many_tries", "Too many codes tried. Please wait a few minutes."
        GIFT_CARDS_ONLY = "gift_cards_only", "Discount codes don't apply to gift cards."
        OTHER_STOREFRONT = (
            "other_storefront",
            "That code works only on the storefront that issued it. "
            "Use it there, or check the code.",
        )

    def __init__(self, code: Code, message: str = "") -> None:
        self.code = code
        super().__init__(message or str(code.label))


def discount_code_normalise(raw: object) -> str:
    if not isinstance(raw, str):
        return ""
    return "".join(raw.split()).upper()[:40]


def discount_code_find(*, code: str) -> DiscountCode | None:
    code = discount_code_normalise(code)
    if not code:
        return None
    return DiscountCode.objects.filter(code=code, active=True).first()


def discount_amount_for(*, code: DiscountCode, merchandise: Decimal) -> Decimal:
    """What the code takes off this merchandise subtotal (never more than it)."""
    if code.kind == DiscountCode.Kind.PERCENT:
        amount = (merchandise * code.value / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        amount = code.value
    return max(Decimal("0.00"), min(amount, merchandise))


def _uses(code: DiscountCode, *, exclude_order_id: int | None = None):
    uses = DiscountRedemption.objects.filter(code=code, status__in=COUNTING)
    if exclude_order_id is not None:
        uses = uses.exclude(order_id=exclude_order_id)
    return uses


def discount_code_check(
    *,
    code: str,
    merchandise: Decimal,
    email: str = "",
    now: datetime | None = None,
    exclude_order_id: int | None = None,
    retailer_id: int | None = None,
) -> DiscountCode:
    """The code if it may be used now on this merchandise (and email, once known).

    A code tied to a retailer works only where that retailer sells: `retailer_id`, or
    else the storefront of the current request (the connection's tenant). With neither,
    or on the company site, such a code is refused.
    """
    found = discount_code_find(code=code)
    if found is None:
        raise DiscountError(DiscountError.Code.UNKNOWN)
    if found.retailer_id is not None:
        if retailer_id is None:
            retailer_id = getattr(getattr(connection, "tenant", None), "pk", None)
        if retailer_id != found.retailer_id:
            raise DiscountError(DiscountError.Code.OTHER_STOREFRONT)
    now = now or timezone.now()
    if found.valid_from and now < found.valid_from:
        raise DiscountError(DiscountError.Code.NOT_YET)
    if found.valid_to and now >= found.valid_to:
        raise DiscountError(DiscountError.Code.EXPIRED)
    if merchandise < found.min_merchandise:
        raise DiscountError(
            DiscountError.Code.BELOW_MINIMUM,
            f"That code needs a merchandise subtotal of at least ${found.min_merchandise}; "
            f"add ${found.min_merchandise - merchandise} more to use it.",
        )
    uses = _uses(found, exclude_order_id=exclude_order_id)
    if found.max_uses is not None and uses.count() >= found.max_uses:
        raise DiscountError(DiscountError.Code.USED_UP)
    if email and found.max_uses_per_email is not None:
        mine = uses.filter(order__email__iexact=email.strip()).count()
        if mine >= found.max_uses_per_email:
            raise DiscountError(DiscountError.Code.USED_BY_YOU)
    return found
