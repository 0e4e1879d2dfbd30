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
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import DiscountCode, DiscountRedemption
from .selectors import (
    DiscountError,
    discount_amount_for,
    discount_code_check,
    discount_code_normalise,
)

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def discount_reserve(*, code: str, order, merchandise: Decimal, email: str) -> DiscountRedemption:
    """Reserve a use for a just-placed order (inside the placement transaction).

    The code row is locked first, so two checkouts cannot both take its last use.
    Raises DiscountError (the placement then rolls back).
    """
    normalised = discount_code_normalise(code)
    locked = DiscountCode.objects.select_for_update().filter(code=normalised, active=True).first()
    if locked is None:
        raise DiscountError(DiscountError.Code.UNKNOWN)
    checked = discount_code_check(
        code=normalised, merchandise=merchandise, email=email, retailer_id=order.retailer_id
    )
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
    retailer_id: int | None = None,
) -> DiscountCode:
    """Issue a new code programmatically (e.g. a host reward): random, one use by default.

    With `retailer_id` the code works only on that retailer's storefront.
    """
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
            retailer_id=retailer_id,
        )
        code.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                code.save()
            return code
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a discount code")
