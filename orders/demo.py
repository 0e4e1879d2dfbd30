"""Demo data for checkout money: shipping methods (seeded by migration), a demo discount
code and a ZIP-prefix tax override. Idempotent; called by `seed_demo`."""

from __future__ import annotations

from decimal import Decimal

from .discounts.models import DiscountCode
from .models import ShippingMethod
from .tax.models import TaxRateOverride

DEMO_DISCOUNT_CODE = "WELCOME10"


# As seeded by migration 0006 (tests that flush the tables re-create them with this).
SHIPPING_METHODS = [
    {
        "code": "standard",
        "name": "Standard",
        "price": Decimal("7.95"),
        "free_above": Decimal("75.00"),
        "delivery_estimate": "5–7 business days",
        "delivery_days_min": 5,
        "delivery_days_max": 7,
        "position": 0,
    },
    {
        "code": "express",
        "name": "Express",
        "price": Decimal("19.95"),
        "free_above": None,
        "delivery_estimate": "2 business days",
        "delivery_days_min": 1,
        "delivery_days_max": 2,
        "position": 1,
    },
]


def shipping_methods_ensure() -> list[str]:
    created = []
    for method in SHIPPING_METHODS:
        _, made = ShippingMethod.objects.get_or_create(code=method["code"], defaults=method)
        if made:
            created.append(f"shipping {method['code']}")
    return created


def checkout_money_demo_seed() -> list[str]:
    created: list[str] = shipping_methods_ensure()
    _, made = DiscountCode.objects.get_or_create(
        code=DEMO_DISCOUNT_CODE,
        defaults={
            "kind": DiscountCode.Kind.PERCENT,
            "value": Decimal("10"),
            "min_merchandise": Decimal("20.00"),
            "max_uses_per_email": 1,
            "description": "Demo: 10 % off merchandise from $20, once per shopper",
        },
    )
    if made:
        created.append(f"discount {DEMO_DISCOUNT_CODE}")
    _, made = TaxRateOverride.objects.get_or_create(
        zip_prefix="926",
        defaults={"state": "CA", "rate": Decimal("7.75"), "note": "Orange County, CA"},
    )
    if made:
        created.append("tax-override 926")
    return created
