"""Discount code rules, in one place: checking, amounts, reserve / redeem / release, issuing.

- merchandise only (never tax or shipping), one code per order;
- percent (rounded half-up to the cent) or a fixed amount, never more than the merchandise;
- valid from/to, a minimum merchandise subtotal, total and per-email usage limits;
- a use is *reserved* when the order is placed (the code row is locked, so limits
  hold under concurrency), *redeemed* when payment succeeds, *released* on cancel.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import DiscountCode, DiscountRedemption

CENT = Decimal("0.01")
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
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
) -> DiscountCode:
    """The code if it may be used now on this merchandise (and email, once known)."""
    found = discount_code_find(code=code)
    if found is None:
        raise DiscountError(DiscountError.Code.UNKNOWN)
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


def discount_reserve(*, code: str, order, merchandise: Decimal, email: str) -> DiscountRedemption:
    """Reserve a use for a just-placed order (inside the placement transaction).

    The code row is locked first, so two checkouts cannot both take its last use.
    Raises DiscountError (the placement then rolls back).
    """
    normalised = discount_code_normalise(code)
    locked = DiscountCode.objects.select_for_update().filter(code=normalised, active=True).first()
    if locked is None:
        raise DiscountError(DiscountError.Code.UNKNOWN)
    checked = discount_code_check(code=normalised, merchandise=merchandise, email=email)
    return DiscountRedemption.objects.create(
        code=checked,
        order=order,
        amount=discount_amount_for(code=checked, merchandise=merchandise),
    )


def discount_redeem(*, order_id: int) -> int:
    """Payment succeeded: the reserved use becomes a redemption. Idempotent."""
    return DiscountRedemption.objects.filter(
        order_id=order_id, status=DiscountRedemption.Status.RESERVED
    ).update(status=DiscountRedemption.Status.REDEEMED, updated_at=timezone.now())


def discount_release(*, order_id: int) -> int:
    """The order was canceled: its use no longer counts. Idempotent."""
    return DiscountRedemption.objects.filter(
        order_id=order_id, status=DiscountRedemption.Status.RESERVED
    ).update(status=DiscountRedemption.Status.RELEASED, updated_at=timezone.now())


@transaction.atomic
def discount_code_issue(
    *,
    kind: str,
    value: Decimal,
    max_uses: int | None = 1,
    max_uses_per_email: int | None = None,
    min_merchandise: Decimal = Decimal("0.00"),
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    prefix: str = "",
    description: str = "",
    company_funded: bool = False,
) -> DiscountCode:
    """Issue a new code programmatically (e.g. a host reward): random, one use by default."""
    prefix = discount_code_normalise(prefix)[:12]
    for _attempt in range(5):
        body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        code = DiscountCode(
            code=f"{prefix}-{body}" if prefix else body,
            kind=kind,
            value=value,
            max_uses=max_uses,
            max_uses_per_email=max_uses_per_email,
            min_merchandise=min_merchandise,
            valid_from=valid_from,
            valid_to=valid_to,
            source=DiscountCode.Source.ISSUED,
            description=description,
            company_funded=company_funded,
        )
        code.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                code.save()
            return code
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a discount code")
