# ruff: noqa: F811  (fixtures imported from tests/orders/conftest.py)
"""A host reward code works only on the storefront that issued it (issue 30, item 9).

On another storefront and on the company site it is refused with a clear message, at
the cart and at placement; on its own storefront it applies.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders.discounts.models import DiscountCode
from orders.discounts.services import discount_code_issue
from orders.services import CheckoutError, order_place
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST
from tests.factories import CustomerDetailsFactory
from tests.orders.conftest import cart_fill, category, make_product  # noqa: F401

pytestmark = pytest.mark.django_db
REFUSED = "That code works only on the storefront that issued it."


@pytest.fixture
def bobs_reward(bob) -> DiscountCode:
    return discount_code_issue(
        kind="fixed", value=Decimal("5.00"), prefix="HOST", company_funded=True, retailer_id=bob.pk
    )


@pytest.mark.parametrize(
    ("host", "applies"), [(BOB_HOST, True), (ALICE_HOST, False), (COMPANY_HOST, False)]
)
def test_a_reward_code_applies_only_on_the_issuing_storefront(
    client, bob, alice, company, make_product, bobs_reward, host, applies
):
    product = make_product(sku="REWARD-1", price="20.00", stock=5)
    cart_fill(client, {product: 1}, host=host)
    response = client.post(
        "/cart/discount/", {"code": bobs_reward.code}, HTTP_HOST=host, follow=True
    )
    assert response.status_code == 200
    assert (f"Discount ({bobs_reward.code})" in response.text) is applies
    assert (REFUSED in response.text) is not applies


def test_placement_on_another_storefront_refuses_the_code(alice, bob, make_product, bobs_reward):
    product = make_product(sku="REWARD-2", price="20.00", stock=5)
    with pytest.raises(CheckoutError, match="only on the storefront that issued it"):
        order_place(
            items=[(variant_of(product).pk, 1)],
            retailer=alice,
            customer=CustomerDetailsFactory(),
            discount_code=bobs_reward.code,
        )
    order = order_place(
        items=[(variant_of(product).pk, 1)],
        retailer=bob,
        customer=CustomerDetailsFactory(),
        discount_code=bobs_reward.code,
    )
    assert order.discount == Decimal("5.00")


def test_a_staff_code_without_a_retailer_still_works_everywhere(client, alice, make_product):
    DiscountCode.objects.create(code="EVERYWHERE", kind="fixed", value=Decimal("2"))
    product = make_product(sku="REWARD-3", price="20.00", stock=5)
    cart_fill(client, {product: 1})
    response = client.post(
        "/cart/discount/", {"code": "EVERYWHERE"}, HTTP_HOST=ALICE_HOST, follow=True
    )
    assert "Discount (EVERYWHERE)" in response.text
