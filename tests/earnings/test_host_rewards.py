"""Host rewards are funded by the company: a host reward code's discount does not lower
the retailer's commission base (EARNINGS_COMPANY_FUNDED_DISCOUNTS_LOWER_BASE says
otherwise); a staff discount code still does. Through the one totals calculation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders.discounts.services import discount_code_issue
from orders.services import order_place
from orders.totals import PricedItem, totals_calculate
from retailers.earnings.models import CommissionEntry
from tests.catalog import variant_of
from tests.factories import CustomerDetailsFactory

from .conftest import pay, product

pytestmark = pytest.mark.django_db
D = Decimal


def place(retailer, item, code: str):
    return order_place(
        items=[(variant_of(item).pk, 1)],
        retailer=retailer,
        customer=CustomerDetailsFactory(),
        discount_code=code,
    )


def accrual(order) -> CommissionEntry:
    return CommissionEntry.objects.get(order=order, key="paid")


@pytest.mark.parametrize(
    ("company_funded", "lower_setting", "base", "commission"),
    [
        (True, False, "100.00", "20.00"),  # host reward: the company pays it
        (False, False, "85.00", "17.00"),  # a staff code: shared by the retailer
        (True, True, "85.00", "17.00"),  # the plan says host rewards lower the base
    ],
)
def test_a_host_reward_code_does_not_lower_the_commission_base(
    plan, alice, candles, settings, company_funded, lower_setting, base, commission
):
    settings.EARNINGS_COMPANY_FUNDED_DISCOUNTS_LOWER_BASE = lower_setting
    code = discount_code_issue(
        kind="fixed", value=D("15.00"), prefix="HOST", company_funded=company_funded
    )
    order = place(alice, product(candles, "100.00"), code.code)
    # What the shopper pays is the same either way: the one totals calculation.
    assert (order.subtotal, order.discount) == (D("100.00"), D("15.00"))
    assert order.total == D("85.00") + order.shipping + order.tax
    assert order.discount_company_funded is company_funded
    pay(order)
    entry = accrual(order)
    assert (entry.base, entry.amount) == (D(base), D(commission))


def test_scene_host_rewards_are_issued_company_funded(alice, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from orders.discounts.models import DiscountCode
    from storefront.scenes import services as scenes
    from storefront.scenes.models import Scene, SceneReward

    monkeypatch.setattr(scenes, "reward_for", lambda sales: (None, D("12.00")))
    today = timezone.localdate()
    scene = Scene.objects.create(
        retailer=alice,
        code="HR26TEST",
        title="Spring party",
        host_name="Hana Host",
        host_email="hana@example.com",
        date=today,
        closes_on=today + timedelta(days=3),
    )
    scenes.scene_close(scene=scene)
    code = DiscountCode.objects.get(code=SceneReward.objects.get(scene=scene).code)
    assert (code.value, code.company_funded) == (D("12.00"), True)


def test_totals_keep_shipping_on_merchandise_after_discount():
    item = PricedItem(product_id=1, sku="X", name="X", unit_price=D("100.00"), quantity=1)
    totals = totals_calculate(
        items=[item],
        shipping_method=None,
        discount_amount=D("15.00"),
        discount_company_funded=True,
    )
    assert totals.merchandise_after_discount == D("85.00")
    assert totals.commission_base == D("100.00")
    assert totals.total == D("85.00") + totals.tax
